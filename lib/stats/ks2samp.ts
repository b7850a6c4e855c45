import { kstwoSf } from "./distributions/kolmogorov";
import { outerProbInsideMethod, probOutsideSquare } from "./distributions/ks2sampExact";
import { roundHalfEven } from "./roundHalfEven";
import { sortFloat64 } from "./sortFloat64";

export type Ks2sampResult = { statistic: number; pValue: number; method: "exact" | "asymp" };

/** Largest sample size for which `method='auto'` computes the exact p-value (scipy `MAX_AUTO_N`). */
export const KS_MAX_EXACT_N = 10_000;

function gcd(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y) [x, y] = [y, x % y];
  return x;
}

function toSortedFloat64(values: ArrayLike<number>, name: string): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) throw new RangeError(`ks2samp: ${name} contains NaN; drop missing values first (see cleanNumeric)`);
    out[i] = v;
  }
  return sortFloat64(out);
}

/**
 * KS statistic D = max|F_a − F_b| of two **sorted** samples, by one merge walk over both.
 * Returns the signed extremes like scipy (`maxS` = max(F_a − F_b), `minS` = max(F_b − F_a) ≥ 0).
 * Cost O(n + m).
 */
export function ksStatisticSorted(a: Float64Array, b: Float64Array): { d: number; maxS: number; minS: number } {
  const n1 = a.length;
  const n2 = b.length;
  let i = 0;
  let j = 0;
  let maxS = -Infinity;
  let minDiff = Infinity;
  while (i < n1 || j < n2) {
    const v = j >= n2 || (i < n1 && a[i] <= b[j]) ? a[i] : b[j];
    while (i < n1 && a[i] <= v) i++;
    while (j < n2 && b[j] <= v) j++;
    const diff = i / n1 - j / n2; // searchsorted(side='right') / n, as scipy
    if (diff > maxS) maxS = diff;
    if (diff < minDiff) minDiff = diff;
  }
  const minS = Math.min(Math.max(-minDiff, 0), 1);
  return { d: minS > maxS ? minS : maxS, maxS, minS };
}

/**
 * Two-sample two-sided Kolmogorov–Smirnov test, as `scipy.stats.ks_2samp(a, b)` with
 * `method='auto'` (scipy 1.17): exact p-value when max(n, m) ≤ 10,000, otherwise
 * `kstwo.sf(D, round(n·m/(n+m)))`. In the exact path the statistic is returned as h/lcm(n, m)
 * exactly like scipy. If the exact computation is not a probability, falls back to asymp
 * (scipy does the same with a RuntimeWarning).
 *
 * Edge cases (as scipy): identical samples, or two constant equal samples → D = 0, p = 1.
 * The p-values assume continuous data; with ties they are conservative.
 *
 * Cost: O(n + m) radix sorts (`sortFloat64`) plus an O(n+m) merge walk;
 * the exact p-value costs O(n + m) for n = m and up to O(n·m) otherwise (≤ 1e8 steps at 10,000).
 * Throws: RangeError if either sample is empty or contains NaN (±Infinity is allowed, as in scipy).
 *
 * @example ks2samp([1, 2, 3, 4], [3, 4, 5, 6, 7]) // { statistic: 0.6, pValue: 0.2857142857142857, method: "exact" }
 */
export function ks2samp(a: ArrayLike<number>, b: ArrayLike<number>): Ks2sampResult {
  if (a.length === 0 || b.length === 0) throw new RangeError("ks2samp: samples must not be empty");
  return ks2sampSorted(toSortedFloat64(a, "a"), toSortedFloat64(b, "b"));
}

/** `ks2samp` on samples already sorted ascending (not checked); no copy is made. */
export function ks2sampSorted(a: Float64Array, b: Float64Array): Ks2sampResult {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) throw new RangeError("ks2samp: samples must not be empty");
  let { d } = ksStatisticSorted(a, b);
  const g = gcd(n1, n2);
  if (Math.max(n1, n2) <= KS_MAX_EXACT_N) {
    const lcm = (n1 / g) * n2;
    const h = roundHalfEven(d * lcm);
    d = h / lcm;
    if (h === 0) return { statistic: d, pValue: 1, method: "exact" };
    const prob = n1 === n2 ? probOutsideSquare(n1, h) : outerProbInsideMethod(n1, n2, g, h);
    if (prob >= 0 && prob <= 1) return { statistic: d, pValue: prob, method: "exact" };
  }
  const [m, n] = n1 >= n2 ? [n1, n2] : [n2, n1];
  const en = (m * n) / (m + n);
  const p = kstwoSf(d, roundHalfEven(en));
  return { statistic: d, pValue: Math.min(Math.max(p, 0), 1), method: "asymp" };
}
