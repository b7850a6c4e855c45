import { categoryKey, logLossTerm, numericBinIndex } from "../stats";
import type { FeatureContext, ModelContext } from "./context";
import {
  bump,
  CONFIDENCE_BINS,
  type Doc,
  key,
  LATENCY_BOUNDS_MS,
  latencyBucket,
  isSummable,
  MAX_VALUE_KEYS,
  maxKey,
  mergeInto,
  minKey,
  OTHER_VALUE,
  SCORE_BINS,
  SEP,
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

/** A `prediction_events` row as SQL returns it (snake_case columns; features may be left unread). */
export type StoredEvent = {
  version: string;
  ts: Date;
  features?: Record<string, unknown>;
  prediction: string | number | boolean | null;
  probabilities: Record<string, number> | null;
  confidence: number | null;
  latency_ms: number | null;
  error_type: string | null;
  segments: Record<string, string | number | boolean> | null;
};

/** A stored event of `model` as RollupBatch counts it (no features when they were not read). */
export function rollupEvent(model: string, r: StoredEvent): RollupEvent {
  return {
    model,
    version: r.version,
    ts: r.ts,
    features: r.features ?? {},
    prediction: r.prediction,
    probabilities: r.probabilities,
    confidence: r.confidence,
    latencyMs: r.latency_ms,
    errorType: r.error_type,
    segments: r.segments,
  };
}

export type RollupKey = { model: string; level: "m" | "h"; bucket: number; version: string; segment: string };
export type FeatureRollupKey = { model: string; referenceId: bigint; bucket: number; version: string; segment: string };

const MINUTE = 60_000;
const HOUR = 3_600_000;
export const floorTo = (ms: number, unit: number) => Math.floor(ms / unit) * unit;

/*
 * Key strings are built once and reused: joining parts per event was the write path's largest rollup cost, and a
 * reused (internalised) string is also a faster property key. The keys are exactly `key(...)`'s.
 */
const MAX_CACHED_VALUES = 4096;

/** `key(prefix, part)` from a bounded per-prefix cache. */
function cachedKey(cache: Map<string, string>, prefix: string, part: string): string {
  let k = cache.get(part);
  if (k === undefined) {
    k = prefix + SEP + part;
    if (cache.size < MAX_CACHED_VALUES) cache.set(part, k);
  }
  return k;
}
const indexKeys = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => key(prefix, i));
const LATENCY_KEYS = indexKeys("lb", LATENCY_BOUNDS_MS.length + 1);
const CONFIDENCE_KEYS = indexKeys("cb", CONFIDENCE_BINS);
const ERROR_KEYS = new Map<string, string>();
const CLASS_KEYS = new Map<string, string>();
const P_MIN = minKey("p");
const P_MAX = maxKey("p");

/** A feature's key strings (`key(name, …)`), kept as long as its context object lives. */
type FeatureKeys = {
  n: string; miss: string; mis: string; nn: string; s: string; ss: string; min: string; max: string; oor: string;
  bins: string[]; values: Map<string, string>; v: string; other: string;
};
const featureKeyCache = new WeakMap<FeatureContext, FeatureKeys>();
function featureKeys(f: FeatureContext): FeatureKeys {
  let k = featureKeyCache.get(f);
  if (!k) {
    const name = f.name;
    k = {
      n: key(name, "n"), miss: key(name, "miss"), mis: key(name, "mis"), nn: key(name, "nn"), s: key(name, "s"),
      ss: key(name, "ss"), min: minKey(name), max: maxKey(name), oor: key(name, "oor"),
      bins: f.edges ? indexKeys(key(name, "b"), f.edges.length + 1) : [], values: new Map(), v: key(name, "v"),
      other: key(name, "v", OTHER_VALUE),
    };
    featureKeyCache.set(f, k);
  }
  return k;
}

/** Segments as canonical JSON (keys sorted), "" for none: the rollup key part that segment filters match. */
export function segmentKey(segments: Record<string, unknown> | null | undefined): string {
  if (!segments) return "";
  const keys = Object.keys(segments).sort();
  if (keys.length === 0) return "";
  return JSON.stringify(Object.fromEntries(keys.map((k) => [k, segments[k]])));
}

/*
 * Event metrics are counted per group of events sharing a minute, version and segment, into fixed slots, and
 * written into the group's three documents (its minute, its hour, the hour of all versions and segments) when the
 * documents are read. Counts are integers, so adding a group's total gives exactly what counting event by event
 * gives; float sums (latency, confidence, regression predictions) are kept per document in event order instead,
 * so they too come out bit for bit as before.
 */
const LB_COUNT = LATENCY_BOUNDS_MS.length + 1;
const C_N = 0, C_ERR = 1, C_LC = 2, C_CC = 3, C_PN = 4, C_LB = 5, C_CB = C_LB + LB_COUNT, C_SIZE = C_CB + CONFIDENCE_BINS;
const S_LS = 0, S_CS = 1, S_PS = 2, S_PSS = 3, S_PMIN = 4, S_PMAX = 5, S_LC = 6, S_CC = 7, S_PN = 8, S_SIZE = 9;

const newSums = () => {
  const sums = new Float64Array(S_SIZE);
  sums[S_PMIN] = Infinity;
  sums[S_PMAX] = -Infinity;
  return sums;
};

/** The metric counts of one group of events, not yet written into its documents. */
class MetricCounts {
  readonly counts = new Float64Array(C_SIZE);
  readonly errors = new Map<string, number>();
  readonly classes = new Map<string, number>();

  /** `docs` are the group's documents, `sums` their float sums (one array per document, shared across groups). */
  constructor(readonly docs: Doc[], readonly sums: Float64Array[]) {}

  add(e: RollupEvent, ctx: ModelContext) {
    const c = this.counts;
    const sums = this.sums;
    c[C_N]++;
    if (e.errorType !== null) {
      c[C_ERR]++;
      this.errors.set(e.errorType, (this.errors.get(e.errorType) ?? 0) + 1);
    }
    if (e.latencyMs !== null) {
      c[C_LC]++;
      c[C_LB + latencyBucket(e.latencyMs)]++;
      for (const s of sums) {
        s[S_LC]++;
        s[S_LS] += e.latencyMs;
      }
    }
    // A failed prediction counts as a request, an error and its latency; its prediction value, if any, does not.
    if (e.errorType !== null) return;
    if (e.prediction !== null) {
      if (ctx.task === "regression") {
        if (typeof e.prediction === "number") {
          const p = e.prediction;
          c[C_PN]++;
          for (const s of sums) {
            s[S_PN]++;
            s[S_PS] += p;
            s[S_PSS] += p * p;
            if (p < s[S_PMIN]) s[S_PMIN] = p;
            if (p > s[S_PMAX]) s[S_PMAX] = p;
          }
        }
      } else {
        const k = categoryKey(e.prediction);
        if (k !== null) this.classes.set(k, (this.classes.get(k) ?? 0) + 1);
      }
    }
    if (e.confidence !== null) {
      c[C_CC]++;
      c[C_CB + unitBin(e.confidence, CONFIDENCE_BINS)]++;
      for (const s of sums) {
        s[S_CC]++;
        s[S_CS] += e.confidence;
      }
    }
  }

  /** Adds the group's counts into each of its documents (keys only where something was counted). */
  writeCounts() {
    const c = this.counts;
    for (const doc of this.docs) {
      const add = (k: string, v: number) => {
        if (v !== 0) bump(doc, k, v);
      };
      add("n", c[C_N]);
      add("err", c[C_ERR]);
      for (const [type, n] of this.errors) bump(doc, cachedKey(ERROR_KEYS, "et", type), n);
      add("lc", c[C_LC]);
      for (let i = 0; i < LB_COUNT; i++) add(LATENCY_KEYS[i], c[C_LB + i]);
      add("pn", c[C_PN]);
      for (const [cls, n] of this.classes) bump(doc, cachedKey(CLASS_KEYS, "pc", cls), n);
      add("cc", c[C_CC]);
      for (let i = 0; i < CONFIDENCE_BINS; i++) add(CONFIDENCE_KEYS[i], c[C_CB + i]);
    }
  }
}

/** Adds a document's float sums into it (the sums' keys only where values were summed). */
function writeSums(doc: Doc, s: Float64Array) {
  if (s[S_LC] > 0) bump(doc, "ls", s[S_LS]);
  if (s[S_PN] > 0) {
    bump(doc, "ps", s[S_PS]);
    bump(doc, "pss", s[S_PSS]);
    setMin(doc, P_MIN, s[S_PMIN]);
    setMax(doc, P_MAX, s[S_PMAX]);
  }
  if (s[S_CC] > 0) bump(doc, "cs", s[S_CS]);
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
    // MAPE skips y = 0 and, alike, a y so small that |e / y| overflows (Infinity would be stored as null)
    const ape = Math.abs(e / actual);
    if (actual !== 0 && Number.isFinite(ape)) {
      bump(doc, "rapn", sign);
      bump(doc, "rape", sign * ape);
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

/** Adds `count` to a value key, folding keys beyond MAX_VALUE_KEYS per feature into OTHER_VALUE. */
function bumpValue(doc: Doc, seen: Map<string, number>, fk: FeatureKeys, feature: string, value: string, count = 1) {
  const k = cachedKey(fk.values, fk.v, value);
  if (doc[k] === undefined) {
    const n = seen.get(feature) ?? 0;
    if (n >= MAX_VALUE_KEYS) {
      bump(doc, fk.other, count);
      return;
    }
    seen.set(feature, n + 1);
  }
  bump(doc, k, count);
}

/*
 * Feature counts accumulate per document in a Float64Array (a fixed run of slots per feature, then its numeric
 * bins) and value maps, and become document keys once, when the batch's documents are read: one array write per
 * count instead of a string-keyed property update, which made this the write path's largest cost. Sums run in
 * event order, so the documents are exactly those of counting key by key.
 */
const N = 0, MISS = 1, MIS = 2, NN = 3, SUM = 4, SQ = 5, MIN = 6, MAX = 7, OOR = 8, OTHER = 9, BINS = 10;

/**
 * The features a context counts (its features, then a regression prediction), where each one's slots start, and
 * their key strings (kept as long as the context lives).
 */
type FeatureLayout = { features: FeatureContext[]; offsets: number[]; size: number; keys: FeatureKeys[] };
const layoutCache = new WeakMap<ModelContext, FeatureLayout>();
function featureLayout(ctx: ModelContext): FeatureLayout {
  let layout = layoutCache.get(ctx);
  if (!layout) {
    const features = ctx.prediction ? [...ctx.features, ctx.prediction] : ctx.features;
    const offsets: number[] = [];
    let size = 0;
    for (const f of features) {
      offsets.push(size);
      size += BINS + (f.edges ? f.edges.length + 1 : 0);
    }
    layout = { features, offsets, size, keys: features.map(featureKeys) };
    layoutCache.set(ctx, layout);
  }
  return layout;
}

/** One feature document's counts not yet written into its keys. */
class FeatureCounts {
  readonly slots: Float64Array;
  /** per feature, value → count in arrival order, at most MAX_VALUE_KEYS values (the rest count in OTHER) */
  readonly values: (Map<string, number> | undefined)[];

  constructor(readonly ctx: ModelContext, readonly layout: FeatureLayout) {
    this.slots = new Float64Array(layout.size);
    this.values = new Array(layout.features.length);
    for (let i = 0; i < layout.features.length; i++) {
      this.slots[layout.offsets[i] + MIN] = Infinity;
      this.slots[layout.offsets[i] + MAX] = -Infinity;
    }
  }

  private addValue(i: number, value: string) {
    let m = this.values[i];
    if (!m) m = this.values[i] = new Map();
    const n = m.get(value);
    if (n !== undefined) m.set(value, n + 1);
    else if (m.size < MAX_VALUE_KEYS) m.set(value, 1);
    else this.slots[this.layout.offsets[i] + OTHER]++;
  }

  /**
   * One event's quality counts, moments and reference bins, and those of its prediction when the context counts
   * it (`failed`: the prediction failed, so its value, if any, is not counted).
   */
  add(features: Record<string, unknown>, prediction: unknown = undefined, failed = false) {
    const n = this.ctx.features.length;
    for (let i = 0; i < n; i++) this.count(i, features[this.layout.features[i].name]);
    if (n < this.layout.features.length && !failed) this.count(n, prediction);
  }

  private count(i: number, v: unknown) {
    const { slots } = this;
    const f = this.layout.features[i];
    const o = this.layout.offsets[i];
    slots[o + N]++;
    if (v === undefined || v === null) {
      slots[o + MISS]++;
      return;
    }
    if (f.type === "numerical") {
      // beyond ±MAX_MAGNITUDE a number would overflow the sums of squares: counted as of the wrong type
      if (!isSummable(v)) {
        slots[o + MIS]++;
        return;
      }
      slots[o + NN]++;
      slots[o + SUM] += v;
      slots[o + SQ] += v * v;
      if (v < slots[o + MIN]) slots[o + MIN] = v;
      if (v > slots[o + MAX]) slots[o + MAX] = v;
      if ((f.min !== null && v < f.min) || (f.max !== null && v > f.max)) slots[o + OOR]++;
      if (f.edges) slots[o + BINS + numericBinIndex(f.edges, v)]++;
      else if (f.bins?.kind === "values") this.addValue(i, String(v));
    } else {
      const c = categoryKey(v);
      if (c === null) slots[o + MIS]++;
      else this.addValue(i, c);
    }
  }

  /** Adds the counts into `doc` (keys present only where a count was made, as counting key by key leaves them). */
  writeInto(doc: Doc, seen: Map<string, number>) {
    const { slots } = this;
    const { features, offsets, keys } = this.layout;
    const add = (k: string, v: number) => {
      if (v !== 0) bump(doc, k, v);
    };
    for (let i = 0; i < features.length; i++) {
      const f = features[i];
      const o = offsets[i];
      const k = keys[i];
      if (slots[o + N] === 0) continue;
      bump(doc, k.n, slots[o + N]);
      add(k.miss, slots[o + MISS]);
      add(k.mis, slots[o + MIS]);
      if (slots[o + NN] > 0) {
        bump(doc, k.nn, slots[o + NN]);
        bump(doc, k.s, slots[o + SUM]);
        bump(doc, k.ss, slots[o + SQ]);
        setMin(doc, k.min, slots[o + MIN]);
        setMax(doc, k.max, slots[o + MAX]);
      }
      add(k.oor, slots[o + OOR]);
      if (f.edges) for (let b = 0; b <= f.edges.length; b++) add(k.bins[b], slots[o + BINS + b]);
      const values = this.values[i];
      if (values) for (const [value, n] of values) bumpValue(doc, seen, k, f.name, value, n);
      add(k.other, slots[o + OTHER]);
    }
  }
}

/** The counts a set of events adds to a feature document: quality counts, moments and reference bins. */
export function countFeaturesInto(
  doc: Doc,
  seen: Map<string, number>,
  events: Iterable<{ features: Record<string, unknown>; prediction: unknown; error_type: string | null }>,
  ctx: ModelContext,
) {
  const counts = new FeatureCounts(ctx, featureLayout(ctx));
  for (const e of events) counts.add(e.features, e.prediction, e.error_type !== null);
  counts.writeInto(doc, seen);
}

/**
 * The key of the hour rows that hold every version and segment of a model together, so unfiltered reads take one
 * row per hour. Real versions are never empty and real segment keys are "" or a JSON object, so neither collides.
 */
export const ALL_VERSIONS = "";
export const ALL_SEGMENTS = "*";

type FeatureEntry = { key: FeatureRollupKey; doc: Doc; seen: Map<string, number> };

/** Rollup documents accumulated for one write, keyed by their row keys. */
export class RollupBatch {
  private readonly metricEntries = new Map<string, { key: RollupKey; doc: Doc }>();
  private readonly featureEntries = new Map<string, FeatureEntry>();
  /** counts not yet written into their documents, and the last documents an event counted into */
  private readonly pendingMetrics = new Map<string, MetricCounts>();
  private readonly pendingSums = new Map<Doc, Float64Array>();
  private readonly pending = new Map<FeatureEntry, FeatureCounts>();
  private lastMetrics: { model: string; minute: number; version: string; segment: string; counts: MetricCounts } | null = null;
  private lastFeature: { model: string; hour: number; version: string; segment: string; ctx: ModelContext; entry: FeatureEntry } | null = null;

  /** The metrics documents, with every count made so far written into them. */
  get metrics(): Map<string, { key: RollupKey; doc: Doc }> {
    for (const counts of this.pendingMetrics.values()) counts.writeCounts();
    for (const [doc, sums] of this.pendingSums) writeSums(doc, sums);
    this.pendingMetrics.clear();
    this.pendingSums.clear();
    this.lastMetrics = null;
    return this.metricEntries;
  }

  /** The feature documents, with every count made so far written into them. */
  get features(): Map<string, FeatureEntry> {
    for (const [entry, counts] of this.pending) counts.writeInto(entry.doc, entry.seen);
    this.pending.clear();
    return this.featureEntries;
  }

  private metricDoc(model: string, level: "m" | "h", bucket: number, version: string, segment: string): Doc {
    const id = `${model}\u001f${level}\u001f${bucket}\u001f${version}\u001f${segment}`;
    let entry = this.metricEntries.get(id);
    if (!entry) {
      entry = { key: { model, level, bucket, version, segment }, doc: {} };
      this.metricEntries.set(id, entry);
    }
    return entry.doc;
  }

  /** The rows an event or label counts into: its minute and hour, and the hour of all versions and segments. */
  private metricDocs(model: string, minute: number, version: string, segment: string): Doc[] {
    const hour = floorTo(minute, HOUR);
    return [
      this.metricDoc(model, "m", minute, version, segment),
      this.metricDoc(model, "h", hour, version, segment),
      this.metricDoc(model, "h", hour, ALL_VERSIONS, ALL_SEGMENTS),
    ];
  }

  /** The pending metric counts of the group of events an event at `minute` belongs to. */
  private metricCounts(model: string, minute: number, version: string, segment: string): MetricCounts {
    const last = this.lastMetrics;
    if (last && last.minute === minute && last.model === model && last.version === version && last.segment === segment) return last.counts;
    const id = `${model}\u001f${minute}\u001f${version}\u001f${segment}`;
    let counts = this.pendingMetrics.get(id);
    if (!counts) {
      const docs = this.metricDocs(model, minute, version, segment);
      const sums = docs.map((doc) => {
        let s = this.pendingSums.get(doc);
        if (!s) this.pendingSums.set(doc, (s = newSums()));
        return s;
      });
      counts = new MetricCounts(docs, sums);
      this.pendingMetrics.set(id, counts);
    }
    this.lastMetrics = { model, minute, version, segment, counts };
    return counts;
  }

  /** The pending counts of the feature document an event of `ctx` at `hour` counts into. */
  private featureCounts(model: string, hour: number, version: string, segment: string, ctx: ModelContext): FeatureCounts {
    const last = this.lastFeature;
    let entry: FeatureEntry;
    if (last && last.hour === hour && last.ctx === ctx && last.model === model && last.version === version && last.segment === segment) {
      entry = last.entry;
    } else {
      const id = `${model}\u001f${ctx.referenceId}\u001f${hour}\u001f${version}\u001f${segment}`;
      let found = this.featureEntries.get(id);
      if (!found) {
        found = { key: { model, referenceId: ctx.referenceId, bucket: hour, version, segment }, doc: {}, seen: new Map() };
        this.featureEntries.set(id, found);
      }
      entry = found;
      this.lastFeature = { model, hour, version, segment, ctx, entry };
    }
    let counts = this.pending.get(entry);
    if (counts && counts.ctx !== ctx) {
      counts.writeInto(entry.doc, entry.seen); // another context object of the model (reloaded): its own layout
      counts = undefined;
    }
    if (!counts) {
      counts = new FeatureCounts(ctx, featureLayout(ctx));
      this.pending.set(entry, counts);
    }
    return counts;
  }

  /** A newly stored event: its requests, latency, prediction and feature counts. */
  addEvent(e: RollupEvent, ctx: ModelContext) {
    const segment = segmentKey(e.segments);
    const ms = e.ts.getTime();
    this.metricCounts(e.model, floorTo(ms, MINUTE), e.version, segment).add(e, ctx);
    this.featureCounts(e.model, floorTo(ms, HOUR), e.version, segment, ctx).add(e.features, e.prediction, e.errorType !== null);
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
    for (const doc of this.metricDocs(p.model, floorTo(p.ts.getTime(), MINUTE), p.version, segmentKey(p.segments))) mergeInto(doc, delta);
  }
}
