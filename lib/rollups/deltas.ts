import { categoryKey, logLossTerm, numericBinIndex } from "../stats";
import type { ModelContext } from "./context";
import {
  bump,
  CONFIDENCE_BINS,
  type Doc,
  key,
  latencyBucket,
  MAX_VALUE_KEYS,
  mergeInto,
  OTHER_VALUE,
  SCORE_BINS,
  setMax,
  setMin,
  unitBin,
} from "./format";

/** The parts of a stored prediction that rollups are made of. */
export type RollupEvent = {
  model: string;
  version: string;
  ts: Date;
  features: Record<string, unknown>;
  prediction: string | number | boolean | null;
  probabilities?: Record<string, number> | null;
  confidence: number | null;
  latencyMs: number | null;
  errorType: string | null;
  segments: Record<string, string | number | boolean> | null;
};

export type RollupKey = { model: string; level: "m" | "h"; bucket: number; version: string; segment: string };
export type FeatureRollupKey = { model: string; referenceId: bigint; bucket: number; version: string; segment: string };

const MINUTE = 60_000;
const HOUR = 3_600_000;
export const floorTo = (ms: number, unit: number) => Math.floor(ms / unit) * unit;

/** Segments as canonical JSON (keys sorted), "" for none: the rollup key part that segment filters match. */
export function segmentKey(segments: Record<string, unknown> | null | undefined): string {
  if (!segments) return "";
  const keys = Object.keys(segments).sort();
  if (keys.length === 0) return "";
  return JSON.stringify(Object.fromEntries(keys.map((k) => [k, segments[k]])));
}

/** The counts one event adds to its bucket's metrics document. */
export function addEventMetrics(doc: Doc, e: RollupEvent, ctx: ModelContext) {
  bump(doc, "n");
  if (e.errorType !== null) {
    bump(doc, "err");
    bump(doc, key("et", e.errorType));
  }
  if (e.latencyMs !== null) {
    bump(doc, "lc");
    bump(doc, "ls", e.latencyMs);
    bump(doc, key("lb", latencyBucket(e.latencyMs)));
  }
  // A failed prediction counts as a request, an error and its latency; its prediction value, if any, does not.
  if (e.errorType !== null) return;
  if (e.prediction !== null) {
    if (ctx.task === "regression") {
      if (typeof e.prediction === "number") {
        bump(doc, "pn");
        bump(doc, "ps", e.prediction);
        bump(doc, "pss", e.prediction * e.prediction);
        setMin(doc, key("p", "min"), e.prediction);
        setMax(doc, key("p", "max"), e.prediction);
      }
    } else {
      const c = categoryKey(e.prediction);
      if (c !== null) bump(doc, key("pc", c));
    }
  }
  if (e.confidence !== null) {
    bump(doc, "cc");
    bump(doc, "cs", e.confidence);
    bump(doc, key("cb", unitBin(e.confidence, CONFIDENCE_BINS)));
  }
}

/**
 * What one (prediction, label) pair contributes to performance, times `sign` (+1 to add a label, −1 to take
 * back the label it replaced). A failed prediction (an error, or no prediction value) contributes nothing.
 */
export function addLabelMetrics(
  doc: Doc,
  p: { prediction: unknown; probabilities?: Record<string, number> | null; errorType: string | null },
  actual: unknown,
  ctx: ModelContext,
  sign: 1 | -1,
) {
  if (p.errorType !== null) return;
  if (p.prediction === null || p.prediction === undefined || actual === null || actual === undefined) return;
  if (ctx.task === "regression") {
    if (typeof p.prediction !== "number" || typeof actual !== "number") return;
    const e = p.prediction - actual;
    bump(doc, "ln", sign);
    bump(doc, "rn", sign);
    bump(doc, "rae", sign * Math.abs(e));
    bump(doc, "rse", sign * e * e);
    bump(doc, "ry", sign * actual);
    bump(doc, "ryy", sign * actual * actual);
    if (actual !== 0) {
      bump(doc, "rapn", sign);
      bump(doc, "rape", sign * Math.abs(e / actual));
    }
    return;
  }
  const a = categoryKey(actual);
  const pred = categoryKey(p.prediction);
  if (a === null || pred === null) return;
  bump(doc, "ln", sign);
  bump(doc, key("cm", a, pred), sign);
  const probs = p.probabilities;
  if (probs && Object.keys(probs).length > 0) {
    const pa = probs[a] ?? 0;
    bump(doc, "lln", sign);
    bump(doc, "lls", sign * logLossTerm(pa));
    if (ctx.positiveClass !== null && probs[ctx.positiveClass] !== undefined) {
      bump(doc, key("sh", a, unitBin(probs[ctx.positiveClass], SCORE_BINS)), sign);
    }
  }
}

/** Adds a value key, folding keys beyond MAX_VALUE_KEYS per feature into OTHER_VALUE. */
function bumpValue(doc: Doc, seen: Map<string, number>, feature: string, value: string) {
  const k = key(feature, "v", value);
  if (doc[k] === undefined) {
    const n = seen.get(feature) ?? 0;
    if (n >= MAX_VALUE_KEYS) {
      bump(doc, key(feature, "v", OTHER_VALUE));
      return;
    }
    seen.set(feature, n + 1);
  }
  bump(doc, k);
}

/** The counts one event adds to its hour's feature document: quality counts, moments and reference bins. */
export function addEventFeatures(doc: Doc, seen: Map<string, number>, features: Record<string, unknown>, ctx: ModelContext) {
  for (const f of ctx.features) {
    const name = f.name;
    bump(doc, key(name, "n"));
    const v = features[name];
    if (v === undefined || v === null) {
      bump(doc, key(name, "miss"));
      continue;
    }
    if (f.type === "numerical") {
      if (typeof v !== "number" || !Number.isFinite(v)) {
        bump(doc, key(name, "mis"));
        continue;
      }
      bump(doc, key(name, "nn"));
      bump(doc, key(name, "s"), v);
      bump(doc, key(name, "ss"), v * v);
      setMin(doc, key(name, "min"), v);
      setMax(doc, key(name, "max"), v);
      if ((f.min !== null && v < f.min) || (f.max !== null && v > f.max)) bump(doc, key(name, "oor"));
      if (f.edges) bump(doc, key(name, "b", numericBinIndex(f.edges, v)));
      else if (f.bins?.kind === "values") bumpValue(doc, seen, name, String(v));
    } else {
      const k = categoryKey(v);
      if (k === null) {
        bump(doc, key(name, "mis"));
        continue;
      }
      bumpValue(doc, seen, name, k);
    }
  }
}

/** Rollup documents accumulated for one write, keyed by their row keys. */
export class RollupBatch {
  readonly metrics = new Map<string, { key: RollupKey; doc: Doc }>();
  readonly features = new Map<string, { key: FeatureRollupKey; doc: Doc; seen: Map<string, number> }>();

  private metricDocs(model: string, ts: Date, version: string, segment: string): Doc[] {
    const out: Doc[] = [];
    for (const [level, unit] of [["m", MINUTE], ["h", HOUR]] as const) {
      const bucket = floorTo(ts.getTime(), unit);
      const id = `${model}\u001f${level}\u001f${bucket}\u001f${version}\u001f${segment}`;
      let entry = this.metrics.get(id);
      if (!entry) {
        entry = { key: { model, level, bucket, version, segment }, doc: {} };
        this.metrics.set(id, entry);
      }
      out.push(entry.doc);
    }
    return out;
  }

  /** A newly stored event: its requests, latency, prediction and feature counts. */
  addEvent(e: RollupEvent, ctx: ModelContext) {
    const segment = segmentKey(e.segments);
    const delta: Doc = {};
    addEventMetrics(delta, e, ctx);
    for (const doc of this.metricDocs(e.model, e.ts, e.version, segment)) mergeInto(doc, delta);
    const bucket = floorTo(e.ts.getTime(), HOUR);
    const id = `${e.model}\u001f${ctx.referenceId}\u001f${bucket}\u001f${e.version}\u001f${segment}`;
    let entry = this.features.get(id);
    if (!entry) {
      entry = { key: { model: e.model, referenceId: ctx.referenceId, bucket, version: e.version, segment }, doc: {}, seen: new Map() };
      this.features.set(id, entry);
    }
    addEventFeatures(entry.doc, entry.seen, e.features, ctx);
  }

  /** A label joined to (or taken back from) a stored prediction, counted in the prediction's buckets. */
  addLabel(
    p: { model: string; version: string; ts: Date; segments: Record<string, unknown> | null; prediction: unknown; probabilities?: Record<string, number> | null; errorType: string | null },
    actual: unknown,
    ctx: ModelContext,
    sign: 1 | -1,
  ) {
    const delta: Doc = {};
    addLabelMetrics(delta, p, actual, ctx, sign);
    if (Object.keys(delta).length === 0) return;
    for (const doc of this.metricDocs(p.model, p.ts, p.version, segmentKey(p.segments))) mergeInto(doc, delta);
  }

  get empty() {
    return this.metrics.size === 0 && this.features.size === 0;
  }
}
