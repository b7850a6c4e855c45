/** Mergeable summary of a numeric sample: count, mean, M2 = Σ(x − mean)², min, max, sum. */
export type Moments = { count: number; mean: number; m2: number; min: number; max: number; sum: number };

/**
 * Moments of the finite values of a sample (Welford's one-pass update). Non-finite and null values
 * are skipped. Merge with `mergeMoments` (Chan et al.), which is exact up to rounding, unlike
 * Σx² − (Σx)²/n.
 *
 * Cost: O(n). Throws: RangeError if there is no finite value.
 *
 * @example moments([1, 2, 3, 4]) // { count: 4, mean: 2.5, m2: 5, min: 1, max: 4, sum: 10 }
 */
export function moments(values: ArrayLike<number | null | undefined>): Moments {
  let count = 0;
  let mean = 0;
  let m2 = 0;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (typeof x !== "number" || !Number.isFinite(x)) continue;
    count++;
    const d = x - mean;
    mean += d / count;
    m2 += d * (x - mean);
    if (x < min) min = x;
    if (x > max) max = x;
    sum += x;
  }
  if (count === 0) throw new RangeError("moments: no finite value");
  return { count, mean, m2, min, max, sum };
}

/**
 * Merges the moments of two disjoint samples (Chan, Golub & LeVeque parallel update).
 * Cost O(1). Throws: nothing.
 *
 * @example mergeMoments(moments([1, 2]), moments([3, 4])) // same as moments([1, 2, 3, 4])
 */
export function mergeMoments(a: Moments, b: Moments): Moments {
  const count = a.count + b.count;
  const delta = b.mean - a.mean;
  return {
    count,
    mean: a.mean + (delta * b.count) / count,
    m2: a.m2 + b.m2 + (delta * delta * a.count * b.count) / count,
    min: Math.min(a.min, b.min),
    max: Math.max(a.max, b.max),
    sum: a.sum + b.sum,
  };
}

/**
 * Variance from moments: M2/(n − ddof) (ddof 0 = population, 1 = sample).
 * Cost O(1). Throws: RangeError if n − ddof ≤ 0.
 *
 * @example momentsVariance(moments([1, 2, 3, 4]), 0) // 1.25
 */
export function momentsVariance(m: Moments, ddof: 0 | 1): number {
  if (m.count - ddof <= 0) throw new RangeError("momentsVariance: not enough values");
  return m.m2 / (m.count - ddof);
}
