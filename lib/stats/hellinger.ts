import { toProportions } from "./proportions";

/**
 * Hellinger distance between the reference and current distributions of aligned bin counts:
 * H = sqrt(½·Σᵢ (√rᵢ − √cᵢ)²), in [0, 1] (0 for identical, 1 for disjoint supports). Computed in
 * this form (as NannyML) rather than sqrt(1 − Σ√(rᵢcᵢ)), which cancels badly near 0.
 *
 * Cost: O(k). Throws: RangeError on mismatched lengths, negative counts, or an empty side.
 *
 * @example hellinger([1, 0], [0, 1]) // 1
 */
export function hellinger(ref: readonly number[], cur: readonly number[]): number {
  const { p, q } = toProportions(ref, cur, "hellinger");
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    const d = Math.sqrt(p[i]) - Math.sqrt(q[i]);
    s += d * d;
  }
  return Math.sqrt(s / 2);
}
