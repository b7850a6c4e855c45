import gammainc from "@stdlib/math-base-special-gammainc";

/**
 * Survival function of the chi-square distribution, `P(X ≥ x)` for `X ~ χ²(dof)`.
 *
 * Definition: `Q(dof/2, x/2)`, the regularised upper incomplete gamma function — what
 * `scipy.stats.chi2.sf(x, dof)` computes (Cephes `chdtrc`). Evaluated by
 * `@stdlib/math-base-special-gammainc` with `upper = true`, so small p-values keep their
 * relative precision (no `1 − cdf` cancellation). Checked against scipy 1.17 in
 * `distributions.test.ts` (see lib/stats/README.md for the comparison of candidates).
 *
 * Cost: O(1) (a continued fraction / series of bounded length).
 * Throws: RangeError if `dof` is not a positive finite number or `x` is NaN.
 *
 * @example chiSquareSf(3.841458820694124, 1) // ≈ 0.05
 */
export function chiSquareSf(x: number, dof: number): number {
  if (!(dof > 0) || !Number.isFinite(dof)) throw new RangeError(`chiSquareSf: dof must be > 0, got ${dof}`);
  if (Number.isNaN(x)) throw new RangeError("chiSquareSf: x is NaN");
  if (x <= 0) return 1;
  if (x === Infinity) return 0;
  return gammainc(x / 2, dof / 2, true, true);
}
