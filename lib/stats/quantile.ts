/**
 * Quantile of a sample **already sorted ascending**, Hyndman & Fan type 7 — numpy's default
 * `method='linear'` (and R's default): h = (n − 1)·p, result = x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋]),
 * evaluated with numpy's `_lerp` (from the upper point when the fraction ≥ 0.5) so results are
 * bit-identical to `np.quantile`.
 *
 * Cost: O(1). Throws: RangeError on an empty sample or p outside [0, 1] / NaN.
 *
 * @example quantileSorted([1, 2, 3, 4], 0.5) // 2.5
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) throw new RangeError("quantileSorted: empty sample");
  if (!(p >= 0 && p <= 1)) throw new RangeError(`quantileSorted: p must be in [0, 1], got ${p}`);
  const h = (n - 1) * p;
  if (h >= n - 1) return sorted[n - 1];
  const lo = Math.floor(h);
  const gamma = h - lo;
  const a = sorted[lo];
  const b = sorted[lo + 1];
  const diff = b - a;
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}

/**
 * Quantile(s) of an unsorted sample, type 7 (numpy default). Copies and sorts once.
 * NaN is not allowed (filter missing values first).
 *
 * Cost: O(n log n). Throws: RangeError on an empty sample, NaN values, or p outside [0, 1].
 *
 * @example quantile([3, 1, 2, 4], 0.25) // 1.75
 * @example quantile([3, 1, 2, 4], [0.25, 0.75]) // [1.75, 3.25]
 */
export function quantile(values: ArrayLike<number>, p: number): number;
export function quantile(values: ArrayLike<number>, p: readonly number[]): number[];
export function quantile(values: ArrayLike<number>, p: number | readonly number[]): number | number[] {
  if (values.length === 0) throw new RangeError("quantile: empty sample");
  const sorted = Float64Array.from(values);
  for (let i = 0; i < sorted.length; i++) if (Number.isNaN(sorted[i])) throw new RangeError("quantile: NaN in sample");
  sorted.sort();
  return typeof p === "number" ? quantileSorted(sorted, p) : p.map((q) => quantileSorted(sorted, q));
}
