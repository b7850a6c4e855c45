import { type Bins, categoryKey, compareKeys } from "./bins";

/** Counts of one sample in frozen bins. Mergeable by addition (see `mergeBinCounts`). */
export type BinCounts = {
  /** counts[i] = number of values in bin i (same order as the bins) */
  counts: number[];
  /** null, undefined, NaN, ±Infinity, or a value of the wrong type for the bins */
  missing: number;
  /** values-bins only: values not among the frozen values, keyed by `categoryKey` */
  unseen?: Map<string, number>;
};

/**
 * Index of the right-closed bin `(e[i−1], e[i]]` holding x: the number of edges < x, found by
 * binary search (numpy `searchsorted(edges, x, side='left')`). Cost O(log k).
 */
export function numericBinIndex(edges: Float64Array | readonly number[], x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Adds the finite values of `values` into `counts` (length edges.length + 1) for right-closed
 * numeric bins and returns how many values were missing/non-finite. The hot loop of
 * `countIntoBins`, exposed for bulk use (typed arrays, no allocation). Cost O(n·min(k, log k)):
 * a branch-free linear scan for ≤ 32 edges, binary search above.
 */
export function countNumericInto(edges: Float64Array, values: ArrayLike<number>, counts: Float64Array): number {
  let missing = 0;
  const k = edges.length;
  if (k <= 32) {
    // few edges: branch-free linear count (index = number of edges < x) beats a mispredicted binary search
    for (let i = 0; i < values.length; i++) {
      const x = values[i];
      if (!(x - x === 0)) {
        missing++; // NaN or ±Infinity
        continue;
      }
      let idx = 0;
      for (let j = 0; j < k; j++) idx += +(edges[j] < x);
      counts[idx]++;
    }
    return missing;
  }
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (!(x - x === 0)) {
      missing++;
      continue;
    }
    let lo = 0;
    let hi = k;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (edges[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    counts[lo]++;
  }
  return missing;
}

/**
 * Counts a sample into frozen bins. Numeric bins: right-closed `(lo, hi]` by binary search
 * over the edges. Value bins: exact match (numbers by value, categories by `categoryKey`);
 * values outside the frozen set go to `unseen`. Missing values (null, undefined, NaN, ±Infinity,
 * or a non-number for numeric bins) are counted in `missing`, never in a bin. Counts of
 * disjoint samples add up to the counts of their union (property-tested).
 *
 * Cost: O(n log k) for numeric bins, O(n) expected for value bins. Throws: nothing.
 *
 * @example countIntoBins({ kind: "numeric", edges: [0, 1] }, [-1, 0, 0.5, 1, 2, NaN]) // { counts: [2, 2, 1], missing: 1 }
 */
export function countIntoBins(bins: Bins, values: ArrayLike<unknown>): BinCounts {
  if (bins.kind === "numeric") {
    const edges = Float64Array.from(bins.edges);
    const counts = new Float64Array(edges.length + 1);
    let missing = 0;
    if (values instanceof Float64Array) {
      missing = countNumericInto(edges, values, counts);
    } else {
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (typeof v !== "number" || !Number.isFinite(v)) {
          missing++;
          continue;
        }
        counts[numericBinIndex(edges, v)]++;
      }
    }
    return { counts: Array.from(counts), missing };
  }
  const numeric = bins.values.length > 0 && bins.values.every((v) => typeof v === "number");
  const index = new Map<string, number>();
  bins.values.forEach((v, i) => index.set(typeof v === "number" ? String(v) : v, i));
  const counts = new Array<number>(bins.values.length).fill(0);
  const unseen = new Map<string, number>();
  let missing = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const key = numeric ? (typeof v === "number" && Number.isFinite(v) ? String(v) : null) : categoryKey(v);
    if (key === null) {
      missing++;
      continue;
    }
    const bin = index.get(key);
    if (bin !== undefined) counts[bin]++;
    else unseen.set(key, (unseen.get(key) ?? 0) + 1);
  }
  return { counts, missing, unseen };
}

/**
 * Adds two `BinCounts` of the same frozen bins (e.g. two time buckets or shards).
 * Cost O(k + u). Throws: RangeError if the count vectors differ in length.
 *
 * @example mergeBinCounts({ counts: [1, 2], missing: 0 }, { counts: [3, 4], missing: 1 }) // { counts: [4, 6], missing: 1 }
 */
export function mergeBinCounts(a: BinCounts, b: BinCounts): BinCounts {
  if (a.counts.length !== b.counts.length) throw new RangeError("mergeBinCounts: different bins");
  const out: BinCounts = { counts: a.counts.map((c, i) => c + b.counts[i]), missing: a.missing + b.missing };
  if (a.unseen || b.unseen) {
    const u = new Map(a.unseen ?? []);
    for (const [k, c] of b.unseen ?? []) u.set(k, (u.get(k) ?? 0) + c);
    out.unseen = u;
  }
  return out;
}

/** Reference and current counts on one common list of bins. */
export type AlignedCounts = { labels: (string | number)[]; ref: number[]; cur: number[] };

/**
 * Puts reference and current counts on the union of bins, as DESIGN.md §Drift asks for value
 * bins ("one bin per distinct value of reference ∪ current"): the frozen bins in order, then the
 * unseen values of either side (ascending: numerically for numeric value bins, by code unit for
 * categories), with 0 on the side that never saw them. Numeric bins are labelled by their upper edge
 * (`Infinity` for the last). Cost O(k + u log u). Throws: RangeError if the vectors don't match the bins.
 *
 * @example alignCounts({ kind: "values", values: ["a"] }, { counts: [3], missing: 0 }, { counts: [1], missing: 0, unseen: new Map([["b", 2]]) })
 * // { labels: ["a", "b"], ref: [3, 0], cur: [1, 2] }
 */
export function alignCounts(bins: Bins, ref: BinCounts, cur: BinCounts): AlignedCounts {
  const k = bins.kind === "numeric" ? bins.edges.length + 1 : bins.values.length;
  if (ref.counts.length !== k || cur.counts.length !== k) throw new RangeError("alignCounts: counts do not match the bins");
  if (bins.kind === "numeric") return { labels: [...bins.edges, Infinity], ref: [...ref.counts], cur: [...cur.counts] };
  const numeric = bins.values.length > 0 && bins.values.every((v) => typeof v === "number");
  const extra = new Set<string>([...(ref.unseen?.keys() ?? []), ...(cur.unseen?.keys() ?? [])]);
  const keys = [...extra].sort(numeric ? (a, b) => Number(a) - Number(b) : compareKeys);
  return {
    labels: [...bins.values, ...keys.map((x) => (numeric ? Number(x) : x))],
    ref: [...ref.counts, ...keys.map((x) => ref.unseen?.get(x) ?? 0)],
    cur: [...cur.counts, ...keys.map((x) => cur.unseen?.get(x) ?? 0)],
  };
}
