import { sortFloat64 } from "./sortFloat64";

/** Neumaier-compensated running sum (internal). */
class CompensatedSum {
  private s = 0;
  private c = 0;
  add(x: number): void {
    const t = this.s + x;
    this.c += Math.abs(this.s) >= Math.abs(x) ? this.s - t + x : x - t + this.s;
    this.s = t;
  }
  get value(): number {
    return this.s + this.c;
  }
}

function sortedCopy(values: ArrayLike<number>, fn: string): Float64Array {
  if (values.length === 0) throw new RangeError(`${fn}: empty sample`);
  const out = Float64Array.from(values);
  for (let i = 0; i < out.length; i++) if (!Number.isFinite(out[i])) throw new RangeError(`${fn}: non-finite value; drop missing values first (see cleanNumeric)`);
  return sortFloat64(out);
}

/**
 * 1-Wasserstein distance between two empirical distributions of **sorted** samples:
 * W₁ = ∫|F_u(x) − F_v(x)| dx, by one merge walk over both samples (scipy
 * `wasserstein_distance(u, v)`). Cost O(n + m).
 */
export function wasserstein1Sorted(u: Float64Array, v: Float64Array): number {
  const n = u.length;
  const m = v.length;
  let i = 0;
  let j = 0;
  const s = new CompensatedSum();
  let prev = Math.min(u[0], v[0]);
  while (i < n || j < m) {
    const x = j >= m || (i < n && u[i] <= v[j]) ? u[i] : v[j];
    s.add(Math.abs(i / n - j / m) * (x - prev));
    while (i < n && u[i] <= x) i++;
    while (j < m && v[j] <= x) j++;
    prev = x;
  }
  return s.value;
}

/**
 * 1-Wasserstein distance between two samples (scipy `wasserstein_distance(u, v)`).
 * Cost O((n+m) log(n+m)). Throws: RangeError on an empty sample or non-finite values.
 *
 * @example wasserstein1([0, 1, 3], [5, 6, 8]) // 5
 */
export function wasserstein1(u: ArrayLike<number>, v: ArrayLike<number>): number {
  return wasserstein1Sorted(sortedCopy(u, "wasserstein1"), sortedCopy(v, "wasserstein1"));
}

/** Population standard deviation (ddof = 0, numpy `np.std`), two-pass with compensated sums. */
export function populationStd(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) throw new RangeError("populationStd: empty sample");
  const s = new CompensatedSum();
  for (let i = 0; i < n; i++) s.add(values[i]);
  const mean = s.value / n;
  const ss = new CompensatedSum();
  for (let i = 0; i < n; i++) ss.add((values[i] - mean) * (values[i] - mean));
  return Math.sqrt(ss.value / n);
}

/**
 * Normed Wasserstein distance (Evidently's `wasserstein`): W₁(ref, cur) / max(σ_ref, 0.001), with σ_ref
 * the **population** standard deviation of the reference. A constant reference divides by 0.001.
 *
 * Cost: O((n+m) log(n+m)). Throws: RangeError on an empty sample or non-finite values.
 *
 * @example wassersteinNormed([0, 2], [1, 3]) // 1
 */
export function wassersteinNormed(ref: ArrayLike<number>, cur: ArrayLike<number>): number {
  const r = sortedCopy(ref, "wassersteinNormed");
  const c = sortedCopy(cur, "wassersteinNormed");
  return wasserstein1Sorted(r, c) / Math.max(populationStd(r), 0.001);
}
