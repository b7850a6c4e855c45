import { normalSf } from "./distributions/normal";

/**
 * Pooled two-proportion z-test (two-sided), for binary features:
 * p₁ = x₁/n₁ (reference), p₂ = x₂/n₂ (current), P = (x₁ + x₂)/(n₁ + n₂),
 * z = (p₁ − p₂) / sqrt(P(1 − P)(1/n₁ + 1/n₂)), p = 2·Φ̄(|z|) (normal survival function, so tiny
 * p-values keep their precision; z² equals the uncorrected 2×2 chi-square statistic).
 * If P is 0 or 1 (both samples constant and equal) the test is undefined: returns z = 0, p = 1.
 *
 * Cost: O(1). Throws: RangeError unless 0 ≤ xᵢ ≤ nᵢ and nᵢ > 0.
 *
 * @example twoProportionZTest(50, 100, 65, 100) // { statistic: -2.1455956195564547, pValue: 0.0319052552365966 }
 */
export function twoProportionZTest(refSuccess: number, refN: number, curSuccess: number, curN: number): { statistic: number; pValue: number } {
  for (const [x, n] of [[refSuccess, refN], [curSuccess, curN]]) {
    if (!(n > 0) || !(x >= 0) || x > n || !Number.isFinite(n)) throw new RangeError("twoProportionZTest: need 0 ≤ successes ≤ n and n > 0");
  }
  const p1 = refSuccess / refN;
  const p2 = curSuccess / curN;
  const P = (p1 * refN + p2 * curN) / (refN + curN);
  const v = P * (1 - P) * (1 / refN + 1 / curN);
  if (!(v > 0)) return { statistic: 0, pValue: 1 };
  const z = (p1 - p2) / Math.sqrt(v);
  return { statistic: z, pValue: Math.min(1, 2 * normalSf(Math.abs(z))) };
}
