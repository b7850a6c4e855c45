import "server-only";
import { getDb } from "../db";
import { currentReference } from "../references/store";
import { type Doc, key, maxKey, minKey, OTHER_VALUE, SEP } from "../rollups/format";
import { singleWindowFeatureDoc } from "./featureWindow";
import type { ReadQuery } from "./params";

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

export type QualityResponse = { model: string; from: string; to: string; version: string | null; segments: Record<string, string>; features: FeatureQuality[] };

const TOP = 10;

/** Per-feature data quality over one window [from, to), next to the reference's summary statistics. */
export async function getQuality(modelId: string, q: ReadQuery): Promise<QualityResponse | null> {
  const model = await getDb().model.findUnique({
    where: { id: modelId },
    select: { id: true, features: { orderBy: [{ inferred: "asc" }, { position: "asc" }, { name: "asc" }] } },
  });
  if (!model) return null;
  const doc: Doc = await singleWindowFeatureDoc(modelId, { ...q, stepMs: null }, "any");
  const ref = await currentReference(modelId, false);
  const get = (f: string, stat: string) => doc[key(f, stat)] ?? 0;
  const features = model.features.map((f): FeatureQuality => {
    const n = get(f.name, "n");
    const missing = get(f.name, "miss");
    const values: { value: string; count: number }[] = [];
    const prefix = f.name + SEP + "v" + SEP;
    let overflow = 0; // values beyond the rollups' per-document cap, counted together (never a value sent)
    for (const k in doc) {
      if (!k.startsWith(prefix) || doc[k] === 0) continue;
      const value = k.slice(prefix.length);
      if (value === OTHER_VALUE) overflow += doc[k];
      else values.push({ value, count: doc[k] });
    }
    values.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1));
    const refFeature = ref?.profile.features[f.name];
    const allowed = Array.isArray(f.allowed) ? new Set((f.allowed as unknown[]).map(String)) : null;
    const known = allowed ?? (refFeature?.bins.kind === "values" ? new Set(refFeature.bins.values.map(String)) : null);
    const newCategories = f.type === "categorical" && known ? values.filter((v) => !known.has(v.value)) : [];
    let summary: FeatureQuality["summary"];
    if (f.type === "numerical") {
      const nn = get(f.name, "nn");
      const mean = nn > 0 ? get(f.name, "s") / nn : null;
      const variance = nn > 0 && mean !== null ? Math.max(0, get(f.name, "ss") / nn - mean * mean) : null;
      summary = { kind: "numerical", count: nn, mean, std: variance === null ? null : Math.sqrt(variance), min: doc[minKey(f.name)] ?? null, max: doc[maxKey(f.name)] ?? null };
    } else {
      summary = { kind: "categorical", distinct: values.length, top: values.slice(0, TOP), ...(overflow > 0 ? { overflow } : {}) };
    }
    let reference: FeatureQuality["reference"] = null;
    if (refFeature?.moments && refFeature.type === "numerical") {
      const m = refFeature.moments;
      reference = { kind: "numerical", count: m.count, mean: m.mean, std: m.count > 0 ? Math.sqrt(m.m2 / m.count) : null, min: m.min, max: m.max };
    } else if (refFeature && refFeature.type === "categorical") {
      reference = { kind: "categorical", distinct: refFeature.bins.kind === "values" ? refFeature.bins.values.length : 0, top: (refFeature.top ?? []).slice(0, TOP) };
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
      newCategories,
      summary,
      reference,
    };
  });
  return { model: model.id, from: q.from.toISOString(), to: q.to.toISOString(), version: q.version, segments: q.segments, features };
}
