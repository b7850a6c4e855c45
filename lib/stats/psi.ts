import { fillZeroes, toProportions } from "./proportions";

/**
 * Population stability index of aligned bin counts:
 * PSI = Σᵢ (rᵢ − cᵢ)·ln(rᵢ / cᵢ), with rᵢ, cᵢ the reference/current proportions after Evidently's
 * epsilon rule for empty bins (each vector separately: eps = 1e-4, or min non-zero share / 1e6
 * when that share is ≤ 1e-4; no renormalisation). Natural log. PSI ≥ 0; identical proportions give 0.
 *
 * Cost: O(k). Throws: RangeError on mismatched lengths, negative counts, or an empty side.
 *
 * @example psi([50, 50], [40, 60]) // 0.04054651081081644
 */
export function psi(ref: readonly number[], cur: readonly number[]): number {
  const { p, q } = toProportions(ref, cur, "psi");
  fillZeroes(p);
  fillZeroes(q);
  let s = 0;
  for (let i = 0; i < p.length; i++) s += (p[i] - q[i]) * Math.log(p[i] / q[i]);
  return s;
}
