import erfc from "@stdlib/math-base-special-erfc";

/**
 * Standard normal survival function `P(Z ≥ z) = ½·erfc(z/√2)` (scipy `norm.sf`).
 *
 * Uses `@stdlib/math-base-special-erfc`, accurate to ~1e-13 relative even far in the tail
 * (z = 37 → 5.7e-300), unlike `1 − cdf`.
 * Cost: O(1). Throws: RangeError on NaN.
 *
 * @example normalSf(1.959963984540054) // ≈ 0.025
 */
export function normalSf(z: number): number {
  if (Number.isNaN(z)) throw new RangeError("normalSf: z is NaN");
  return 0.5 * erfc(z / Math.SQRT2);
}

/**
 * Standard normal CDF `Φ(z)`, computed the way Cephes/xsf `ndtr` does
 * (`0.5·erfc(|t|)` mirrored, `t = z/√2`), so `1 − normalCdf(z)` reproduces the
 * rounding of `1 − scipy.stats.norm.cdf(z)` that Evidently's z-test uses.
 * Cost: O(1). Throws: RangeError on NaN.
 *
 * @example normalCdf(0) // 0.5
 */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) throw new RangeError("normalCdf: z is NaN");
  const t = z * Math.SQRT1_2;
  const y = 0.5 * erfc(Math.abs(t));
  return t > 0 ? 1 - y : y;
}
