import { toProportions } from "./proportions";

/** Σ rel_entr(a, m) as scipy.special.rel_entr: a·ln(a/m), 0 when a = 0. */
function klToMid(a: Float64Array, b: Float64Array, base: number): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] > 0) s += a[i] * Math.log(a[i] / ((a[i] + b[i]) / 2));
  }
  return s / base;
}

/**
 * Jensen–Shannon **distance** between the reference and current distributions of aligned bin
 * counts, in bits: sqrt(½·KL(r‖m) + ½·KL(c‖m)) with m = (r + c)/2 and log base 2, so the range is
 * [0, 1]. Raw proportions (no epsilon). Same as `scipy.spatial.distance.jensenshannon(r, c, base=2)`,
 * except that a sum that rounds below 0 gives 0 instead of scipy's NaN.
 *
 * Cost: O(k). Throws: RangeError on mismatched lengths, negative counts, or an empty side.
 *
 * @example jsDistance([1, 0], [0, 1]) // 1
 */
export function jsDistance(ref: readonly number[], cur: readonly number[]): number {
  return jsDistanceBase(ref, cur, 2);
}

/** `jsDistance` with an explicit log base (`Math.E` gives nats, as Evidently reports it). */
export function jsDistanceBase(ref: readonly number[], cur: readonly number[], base: number): number {
  const { p, q } = toProportions(ref, cur, "jsDistance");
  // scipy normalises again (p / sum(p)); proportions already sum to 1 up to rounding
  const lb = base === Math.E ? 1 : Math.log(base);
  const js = (klToMid(p, q, 1) + klToMid(q, p, 1)) / lb;
  return Math.sqrt(Math.max(js / 2, 0));
}
