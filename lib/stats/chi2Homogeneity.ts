import { chiSquareSf } from "./distributions/chiSquareSf";

export type Chi2Result = { statistic: number; pValue: number; dof: number };

/**
 * Two-sample chi-square test of homogeneity on aligned bin counts — `scipy.stats.chi2_contingency`
 * on the 2×K table [ref; cur] with the columns that are 0 in both rows dropped:
 * expectedᵢⱼ = rowᵢ·colⱼ / N, statistic = Σ (O − E)²/E, dof = K' − 1, p = χ²_dof.sf(statistic).
 * Yates' continuity correction (|O − E| reduced by min(0.5, |O − E|)) only when dof = 1, as scipy's default.
 * dof = 0 (a single non-empty bin, e.g. both samples constant and equal) → statistic 0, p = 1, as scipy.
 *
 * Cost: O(k). Throws: RangeError on mismatched lengths, negative/non-finite counts, or an empty side
 * (scipy raises too: a zero row makes an expected frequency 0).
 *
 * @example chi2Homogeneity([10, 20, 30], [15, 15, 30]) // { statistic: 1.7142857142857144, pValue: 0.42437284567695, dof: 2 }
 */
export function chi2Homogeneity(ref: readonly number[], cur: readonly number[]): Chi2Result {
  if (ref.length !== cur.length) throw new RangeError("chi2Homogeneity: count vectors differ in length");
  let r = 0;
  let c = 0;
  const cols: number[] = [];
  for (let j = 0; j < ref.length; j++) {
    const a = ref[j];
    const b = cur[j];
    if (!(a >= 0) || !(b >= 0) || !Number.isFinite(a) || !Number.isFinite(b)) throw new RangeError("chi2Homogeneity: counts must be finite and ≥ 0");
    r += a;
    c += b;
    if (a + b > 0) cols.push(j);
  }
  if (r === 0 || c === 0) throw new RangeError("chi2Homogeneity: empty sample (counts sum to 0)");
  const dof = cols.length - 1;
  if (dof === 0) return { statistic: 0, pValue: 1, dof: 0 };
  const total = r + c;
  let stat = 0;
  for (const j of cols) {
    const colSum = ref[j] + cur[j];
    for (const [obs0, row] of [[ref[j], r], [cur[j], c]] as const) {
      const exp = (row * colSum) / total;
      let obs = obs0;
      if (dof === 1) {
        const diff = exp - obs;
        obs = obs + Math.min(0.5, Math.abs(diff)) * Math.sign(diff);
      }
      stat += ((obs - exp) * (obs - exp)) / exp;
    }
  }
  return { statistic: stat, pValue: chiSquareSf(stat, dof), dof };
}
