import type { FeatureProfile, ReferenceProfile } from "../models/references/profile";
import { type Doc, key, maxKey, minKey, OTHER_VALUE, SEP } from "../rollups/documents";
import { meanStdFromSums } from "../stats";
import { own } from "../domain/records";

type Numbers = { count: number; mean: number | null; std: number | null; min: number | null; max: number | null };
/** `overflow`: values beyond the rollups' cap of 1,000 distinct values per feature and hour, counted together. */
type Categories = { distinct: number; top: { value: string; count: number }[]; overflow?: number };

export type FeatureQuality = {
  name: string;
  type: string;
  /** declared in the model's definition (false: only seen in events) */
  declared: boolean;
  /** events in the window */
  count: number;
  missing: number;
  missingRate: number | null;
  /** values of the wrong type (e.g. a string for a numerical feature) */
  typeMismatches: number;
  /** numerical values outside the declared [min, max] */
  outOfRange: number;
  /** categorical values outside the declared allowed values, or else not in the reference, with counts */
  newCategories: { value: string; count: number }[];
  summary: ({ kind: "numerical" } & Numbers) | ({ kind: "categorical" } & Categories);
  reference: ({ kind: "numerical" } & Numbers) | ({ kind: "categorical" } & Categories) | null;
};

/** A feature as the model defines it (the columns of `features` that quality reads). */
export type QualityFeature = { name: string; type: string; inferred: boolean; allowed: unknown };

/** Categories shown per feature, most frequent first. */
export const TOP_CATEGORIES = 10;

/** The feature's value keys in the document, most frequent first, and the count under the overflow key. */
function valueCounts(doc: Doc, name: string): { values: { value: string; count: number }[]; overflow: number } {
  const prefix = name + SEP + "v" + SEP;
  const values: { value: string; count: number }[] = [];
  let overflow = 0; // values beyond the rollups' per-document cap, counted together (never a value sent)
  for (const k in doc) {
    if (!k.startsWith(prefix) || doc[k] === 0) continue;
    const value = k.slice(prefix.length);
    if (value === OTHER_VALUE) overflow += doc[k];
    else values.push({ value, count: doc[k] });
  }
  values.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1));
  return { values, overflow };
}

function referenceSummary(ref: FeatureProfile | undefined): FeatureQuality["reference"] {
  if (ref?.moments && ref.type === "numerical") {
    const m = ref.moments;
    return { kind: "numerical", count: m.count, mean: m.mean, std: m.count > 0 ? Math.sqrt(m.m2 / m.count) : null, min: m.min, max: m.max };
  }
  if (ref && ref.type === "categorical") {
    return { kind: "categorical", distinct: ref.bins.kind === "values" ? ref.bins.values.length : 0, top: (ref.top ?? []).slice(0, TOP_CATEGORIES) };
  }
  return null;
}

/**
 * Per-feature data quality of one window from its merged feature document (lib/rollups/documents.ts keys), next
 * to the reference's summary. New categories are values outside the declared allowed values, or, when none are
 * declared, outside the reference's categories. Pure; O(features × document keys).
 */
export function featureQuality(doc: Doc, features: readonly QualityFeature[], reference: ReferenceProfile | null): FeatureQuality[] {
  const get = (f: string, stat: string) => doc[key(f, stat)] ?? 0;
  return features.map((f): FeatureQuality => {
    const n = get(f.name, "n");
    const missing = get(f.name, "miss");
    const { values, overflow } = valueCounts(doc, f.name);
    const refFeature = own(reference?.features, f.name);
    const allowed = Array.isArray(f.allowed) ? new Set((f.allowed as unknown[]).map(String)) : null;
    const known = allowed ?? (refFeature?.bins.kind === "values" ? new Set(refFeature.bins.values.map(String)) : null);
    let summary: FeatureQuality["summary"];
    if (f.type === "numerical") {
      const nn = get(f.name, "nn");
      const ms = nn > 0 ? meanStdFromSums(nn, get(f.name, "s"), get(f.name, "ss")) : null;
      summary = { kind: "numerical", count: nn, mean: ms?.mean ?? null, std: ms?.std ?? null, min: doc[minKey(f.name)] ?? null, max: doc[maxKey(f.name)] ?? null };
    } else {
      summary = { kind: "categorical", distinct: values.length, top: values.slice(0, TOP_CATEGORIES), ...(overflow > 0 ? { overflow } : {}) };
    }
    return {
      name: f.name,
      type: f.type,
      declared: !f.inferred,
      count: n,
      missing,
      missingRate: n > 0 ? missing / n : null,
      typeMismatches: get(f.name, "mis"),
      outOfRange: get(f.name, "oor"),
      newCategories: f.type === "categorical" && known ? values.filter((v) => !known.has(v.value)) : [],
      summary,
      reference: referenceSummary(refFeature),
    };
  });
}

/** One bucket of a feature's missing share: events counted and missing values in the part of the window it covers. */
export type MissingPoint = { start: string; count: number; missing: number; missingRate: number | null };

/**
 * Per-feature missing counts per time bucket of one window, added up from the parts its document is summed from
 * (rollup rows by hour or day, raw events of partial hours): the buckets are the step's (aligned to the epoch)
 * clipped to the window, so each feature's buckets add up to its `count` and `missing`. Every part must lie within
 * one bucket (hour parts: `stepMs` whole hours; day parts: whole days). Pure; O(parts × features) to fill,
 * O(buckets × features) to read.
 */
export class MissingSeries {
  private readonly first: number;
  private readonly counts: Map<string, { n: Float64Array; miss: Float64Array; nKey: string; missKey: string }>;
  readonly starts: number[];

  constructor(
    features: readonly string[],
    from: number,
    to: number,
    private readonly stepMs: number,
  ) {
    this.first = Math.floor(from / stepMs) * stepMs;
    this.starts = [];
    for (let t = this.first; t < to; t += stepMs) this.starts.push(t);
    const len = this.starts.length;
    this.counts = new Map(features.map((f) => [f, { n: new Float64Array(len), miss: new Float64Array(len), nKey: key(f, "n"), missKey: key(f, "miss") }]));
  }

  /** Adds one part of the window's document, whose counts lie at time `at`. */
  add(at: number, part: Readonly<Doc>) {
    const i = Math.floor((at - this.first) / this.stepMs);
    if (i < 0 || i >= this.starts.length) throw new RangeError(`MissingSeries: ${new Date(at).toISOString()} is outside the window`);
    for (const c of this.counts.values()) {
      c.n[i] += part[c.nKey] ?? 0;
      c.miss[i] += part[c.missKey] ?? 0;
    }
  }

  /** The feature's buckets (starts as RFC 3339; the first one is the window's start when that is not on a step). */
  of(feature: string, from: number): MissingPoint[] {
    const c = this.counts.get(feature);
    return this.starts.map((s, i) => {
      const n = c?.n[i] ?? 0;
      const miss = c?.miss[i] ?? 0;
      return { start: new Date(Math.max(s, from)).toISOString(), count: n, missing: miss, missingRate: n > 0 ? miss / n : null };
    });
  }
}
