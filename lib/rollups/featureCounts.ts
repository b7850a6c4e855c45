import { categoryKey, numericBinIndex } from "../stats";
import { isSummable } from "../domain/numbers";
import type { FeatureContext, ModelContext } from "./context";
import { bump, cachedKey, type Doc, indexKeys, key, MAX_VALUE_KEYS, maxKey, minKey, OTHER_VALUE, setMax, setMin } from "./documents";
import { own } from "../domain/records";

/** A feature's key strings (`key(name, …)`), kept as long as its context object lives. */
type FeatureKeys = {
  count: string; missing: string; wrongType: string; numbers: string; sum: string; squares: string; min: string; max: string;
  outOfRange: string; bins: string[]; values: Map<string, string>; value: string; overflow: string;
};
const featureKeyCache = new WeakMap<FeatureContext, FeatureKeys>();
function featureKeys(f: FeatureContext): FeatureKeys {
  let k = featureKeyCache.get(f);
  if (!k) {
    const name = f.name;
    k = {
      count: key(name, "n"), missing: key(name, "miss"), wrongType: key(name, "mis"), numbers: key(name, "nn"),
      sum: key(name, "s"), squares: key(name, "ss"), min: minKey(name), max: maxKey(name), outOfRange: key(name, "oor"),
      bins: f.edges ? indexKeys(key(name, "b"), f.edges.length + 1) : [], values: new Map(), value: key(name, "v"),
      overflow: key(name, "v", OTHER_VALUE),
    };
    featureKeyCache.set(f, k);
  }
  return k;
}

/** Adds `count` to a value key, folding keys beyond MAX_VALUE_KEYS per feature into OTHER_VALUE. */
function bumpValue(doc: Doc, seen: Map<string, number>, fk: FeatureKeys, feature: string, value: string, count = 1) {
  const k = cachedKey(fk.values, fk.value, value);
  if (doc[k] === undefined) {
    const n = seen.get(feature) ?? 0;
    if (n >= MAX_VALUE_KEYS) {
      bump(doc, fk.overflow, count);
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
/** Slots per feature: quality counts, moments, then one per numeric bin. */
const COUNT = 0, MISSING = 1, WRONG_TYPE = 2, NUMBERS = 3, SUM = 4, SQUARES = 5, MIN = 6, MAX = 7, OUT_OF_RANGE = 8, OVERFLOW = 9, BINS = 10;

/**
 * The features a context counts (its features, then a regression prediction), where each one's slots start, and
 * their key strings (kept as long as the context lives).
 */
type FeatureLayout = { features: FeatureContext[]; offsets: number[]; size: number; keys: FeatureKeys[] };
const layoutCache = new WeakMap<ModelContext, FeatureLayout>();
export function featureLayout(ctx: ModelContext): FeatureLayout {
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
export class FeatureCounts {
  readonly slots: Float64Array;
  /** per feature, value → count in arrival order, at most MAX_VALUE_KEYS values (the rest count in OVERFLOW) */
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
    else this.slots[this.layout.offsets[i] + OVERFLOW]++;
  }

  /**
   * One event's quality counts, moments and reference bins, and those of its prediction when the context counts
   * it (`failed`: the prediction failed, so its value, if any, is not counted).
   */
  add(features: Record<string, unknown>, prediction: unknown = undefined, failed = false) {
    const n = this.ctx.features.length;
    for (let i = 0; i < n; i++) this.count(i, own(features, this.layout.features[i].name));
    if (n < this.layout.features.length && !failed) this.count(n, prediction);
  }

  private count(i: number, v: unknown) {
    const { slots } = this;
    const f = this.layout.features[i];
    const o = this.layout.offsets[i];
    slots[o + COUNT]++;
    if (v === undefined || v === null) {
      slots[o + MISSING]++;
      return;
    }
    if (f.type === "numerical") {
      // beyond ±MAX_MAGNITUDE a number would overflow the sums of squares: counted as of the wrong type
      if (!isSummable(v)) {
        slots[o + WRONG_TYPE]++;
        return;
      }
      slots[o + NUMBERS]++;
      slots[o + SUM] += v;
      slots[o + SQUARES] += v * v;
      if (v < slots[o + MIN]) slots[o + MIN] = v;
      if (v > slots[o + MAX]) slots[o + MAX] = v;
      if ((f.min !== null && v < f.min) || (f.max !== null && v > f.max)) slots[o + OUT_OF_RANGE]++;
      if (f.edges) slots[o + BINS + numericBinIndex(f.edges, v)]++;
      else if (f.bins?.kind === "values") this.addValue(i, String(v));
    } else {
      const c = categoryKey(v);
      if (c === null) slots[o + WRONG_TYPE]++;
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
      if (slots[o + COUNT] === 0) continue;
      bump(doc, k.count, slots[o + COUNT]);
      add(k.missing, slots[o + MISSING]);
      add(k.wrongType, slots[o + WRONG_TYPE]);
      if (slots[o + NUMBERS] > 0) {
        bump(doc, k.numbers, slots[o + NUMBERS]);
        bump(doc, k.sum, slots[o + SUM]);
        bump(doc, k.squares, slots[o + SQUARES]);
        setMin(doc, k.min, slots[o + MIN]);
        setMax(doc, k.max, slots[o + MAX]);
      }
      add(k.outOfRange, slots[o + OUT_OF_RANGE]);
      if (f.edges) for (let b = 0; b <= f.edges.length; b++) add(k.bins[b], slots[o + BINS + b]);
      const values = this.values[i];
      if (values) for (const [value, n] of values) bumpValue(doc, seen, k, f.name, value, n);
      add(k.overflow, slots[o + OVERFLOW]);
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
