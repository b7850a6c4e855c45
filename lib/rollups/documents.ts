/**
 * The rollup documents: flat JSON maps from key to number, mergeable by adding values key by key, except keys
 * ending in MINMAX+"min" / MINMAX+"max" (minKey / maxKey), which merge by min / max. The database merges them with `dw_merge` (see the
 * rollups migration), reads merge them with `mergeInto`. Parts of a key are joined with SEP (U+001F), which no
 * class label, error type or feature name is expected to contain.
 *
 * Metrics documents (table `rollups`, per model, level m|h|t|r, bucket, version, segment; levels in batch.ts):
 *   n                      requests (events)
 *   err, et·<type>         failed predictions, by error type
 *   lc, ls, lb·<i>         latency: count, sum (ms), count in LATENCY_BOUNDS_MS bucket i (non-cumulative; i = bounds.length is +Inf)
 *   pc·<class>             predicted class counts (classification)
 *   pn, ps, pss, p¦min, p¦max   predicted value count, sum, sum of squares, min, max (regression; ¦ is MINMAX)
 *   cc, cs, cb·<i>         confidence: count, sum, count in CONFIDENCE_BINS bin i
 *   ln                     labelled predictions (label joined)
 *   cm·<actual>·<pred>     confusion counts (classification)
 *   lln, lls               log-loss terms: count, sum (classification with probabilities)
 *   sh·<actual>·<i>        positive-class score histogram by actual class, SCORE_BINS bins (binary ROC AUC)
 *   rn, rae, rse, ry, ryy  regression: labelled count, Σ|e|, Σe², Σy, Σy²
 *   rapn, rape             regression: count with y ≠ 0, Σ|e/y|
 *
 * Feature documents (table `feature_rollups`, per model, reference, hour, version, segment), per feature <f>:
 *   f·n      events counted            f·miss   value absent or null
 *   f·mis    wrong type for the feature (e.g. a string for a numerical feature)
 *   f·oor    numerical value outside the declared [min, max]
 *   f·nn, f·s, f·ss, f¦min, f¦max     numerical values: count, sum, sum of squares, min, max (¦ is MINMAX)
 *   f·b·<i>  count in the reference's numeric bin i (bins at REFERENCE_QUANTILES: deciles + tails)
 * A regression model's prediction is counted in the feature documents too, as a numerical feature named
 * PREDICTION_KEY (lib/domain/model.ts) binned on the reference's prediction bins (failed predictions not counted), so its drift
 * needs no raw values. (A classifier's predicted classes are the metrics documents' pc·<class>.)
 *   f·v·<k>  count of value k (categoricals, booleans as "true"/"false", low-cardinality numericals); distinct
 *            keys per feature and document are capped at MAX_VALUE_KEYS, the rest counted under OTHER_VALUE.
 *            The cap is a safety valve against unbounded cardinality (ids sent as features): it applies to each
 *            written document, so once it triggers, which values land in OTHER_VALUE depends on how events were
 *            batched (the feature's totals stay exact). Below it, documents merge exactly.
 */
export const SEP = "\u001f";
/**
 * What marks a key that merges by min or max: its name, MINMAX, then "min" or "max". No other key can end so:
 * every string a key is made of (feature names and values, classes, error types) is stored with U+001C–U+001F
 * replaced (lib/domain/text.ts safeText), so a class or category named "max" stays a count.
 */
export const MINMAX = "\u001e";
export const minKey = (name: string) => name + MINMAX + "min";
export const maxKey = (name: string) => name + MINMAX + "max";
/** Overflow bucket for value keys beyond MAX_VALUE_KEYS (U+001F: Postgres text and jsonb cannot hold U+0000). */
export const OTHER_VALUE = "\u001fother";
export const MAX_VALUE_KEYS = 1000;

/** Latency histogram upper bounds in milliseconds (Prometheus-style `le`; a final +Inf bucket follows). */
export const LATENCY_BOUNDS_MS = [
  1, 2, 3, 5, 7.5, 10, 15, 20, 25, 30, 40, 50, 75, 100, 150, 200, 250, 300, 400, 500, 750, 1000, 1500, 2000, 3000, 5000, 10000,
] as const;
/** Confidence histogram: 20 equal bins over [0, 1]; bin i is [i/20, (i+1)/20), the last closed. */
export const CONFIDENCE_BINS = 20;
/** Positive-class score histogram for ROC AUC: 100 equal bins over [0, 1]. */
export const SCORE_BINS = 100;

export type Doc = Record<string, number>;

export const key = (...parts: (string | number)[]) => parts.join(SEP);

const MIN_END = MINMAX + "min";
const MAX_END = MINMAX + "max";
const isMin = (k: string) => k.endsWith(MIN_END);
const isMax = (k: string) => k.endsWith(MAX_END);

/** Adds `delta` into `doc` in place, with the min/max rule. */
export function mergeInto(doc: Doc, delta: Readonly<Doc>): Doc {
  for (const k in delta) {
    const v = delta[k];
    const cur = doc[k];
    if (cur === undefined) doc[k] = v;
    else if (isMin(k)) doc[k] = Math.min(cur, v);
    else if (isMax(k)) doc[k] = Math.max(cur, v);
    else doc[k] = cur + v;
  }
  return doc;
}

/**
 * Merges rows' documents per key (e.g. per time bucket). A key's first document is used as it is and later ones
 * merge into it, so the rows must be the caller's own objects (freshly read from the database) — or frozen, shared
 * ones (featureRowDocs' cache), which are copied first.
 */
export function mergeByKey<R extends { data: Readonly<Doc> }, K>(rows: Iterable<R>, keyOf: (row: R) => K): Map<K, Doc> {
  const out = new Map<K, Doc>();
  for (const row of rows) {
    const k = keyOf(row);
    const doc = out.get(k);
    if (doc) mergeInto(doc, row.data);
    // a frozen document is shared (a cache's): the sum starts from a copy of it
    else out.set(k, Object.isFrozen(row.data) ? { ...row.data } : (row.data as Doc));
  }
  return out;
}

/** Increments `doc[k]` by `by`. */
export function bump(doc: Doc, k: string, by = 1) {
  doc[k] = (doc[k] ?? 0) + by;
}

export function setMin(doc: Doc, k: string, v: number) {
  const cur = doc[k];
  doc[k] = cur === undefined ? v : Math.min(cur, v);
}

export function setMax(doc: Doc, k: string, v: number) {
  const cur = doc[k];
  doc[k] = cur === undefined ? v : Math.max(cur, v);
}

/** Index of the latency bucket for `ms` (the first bound ≥ ms; bounds.length for +Inf). */
export function latencyBucket(ms: number): number {
  let i = 0;
  while (i < LATENCY_BOUNDS_MS.length && ms > LATENCY_BOUNDS_MS[i]) i++;
  return i;
}

/** Equal-width bin of a value in [0, 1] among `bins` bins; 1 goes in the last bin. */
export function unitBin(x: number, bins: number): number {
  return Math.min(bins - 1, Math.max(0, Math.floor(x * bins)));
}

/*
 * Key strings are built once and reused: joining parts per event was the write path's largest rollup cost, and a
 * reused (internalised) string is also a faster property key. The keys are exactly `key(...)`'s.
 */
const MAX_CACHED_VALUES = 4096;

/** `key(prefix, part)` from a bounded per-prefix cache. */
export function cachedKey(cache: Map<string, string>, prefix: string, part: string): string {
  let k = cache.get(part);
  if (k === undefined) {
    k = prefix + SEP + part;
    if (cache.size < MAX_CACHED_VALUES) cache.set(part, k);
  }
  return k;
}
/** `key(prefix, 0)` … `key(prefix, n − 1)`. */
export const indexKeys = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => key(prefix, i));
