/**
 * Benjamini–Hochberg adjusted p-values (`scipy.stats.false_discovery_control(p, method='bh')`):
 * sort ascending, p₍ᵢ₎·m/i, then a running minimum from the largest down; returned in input order.
 * Reject hypothesis i at FDR level q when adjusted[i] ≤ q (equivalently the step-up rule
 * p₍ᵢ₎ ≤ q·i/m). A larger q never rejects fewer (property-tested).
 *
 * Cost: O(m log m). Throws: RangeError on an empty list or a p-value outside [0, 1].
 *
 * @example benjaminiHochberg([0.5, 0.6, 0.1, 0.001]) // [0.6, 0.6, 0.2, 0.004]
 */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  const m = pValues.length;
  if (m === 0) throw new RangeError("benjaminiHochberg: no p-values");
  for (const p of pValues) if (!(p >= 0 && p <= 1)) throw new RangeError(`benjaminiHochberg: p-value outside [0, 1]: ${p}`);
  if (m === 1) return [pValues[0]];
  const order = pValues.map((_, i) => i).sort((a, b) => pValues[a] - pValues[b] || a - b);
  const adj = order.map((idx, k) => pValues[idx] * (m / (k + 1)));
  for (let k = m - 2; k >= 0; k--) if (adj[k + 1] < adj[k]) adj[k] = adj[k + 1];
  const out = new Array<number>(m);
  order.forEach((idx, k) => (out[idx] = adj[k]));
  return out;
}
