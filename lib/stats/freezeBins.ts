import { type Bins, type ValueBins, DECILE_MIN_DISTINCT, REFERENCE_QUANTILES, categoryKey, compareKeys } from "./bins";
import { cleanNumeric } from "./cleanNumeric";
import { quantileSorted } from "./quantile";

/**
 * Freezes the bins of a numerical feature from its reference sample (DESIGN.md §Drift):
 * - more than 20 distinct finite reference values → edges at the reference quantiles `quantiles` (default
 *   `REFERENCE_QUANTILES`: 0.5, 1, 2.5, 5 %, the deciles, 95, 97.5, 99, 99.5 % — 18 bins; issue #14 added the tail
 *   quantiles so a change inside the top or bottom decile is seen): inner edges `unique(quantile(ref, quantiles))`
 *   with type-7 (numpy default) interpolation, bins right-closed `(lo, hi]`, outer edges ±∞ (ties can collapse
 *   edges, giving fewer bins). `DECILES` gives the pre-#14 decile bins;
 * - otherwise one bin per distinct reference value (sorted ascending); current values not in
 *   the reference are reported by `countIntoBins` as `unseen` and become extra bins when aligned.
 * Missing values (null, NaN, ±Infinity) are ignored.
 *
 * Cost: O(n log n). Throws: RangeError if the reference has no finite value.
 *
 * @example freezeBins(Array.from({ length: 201 }, (_, i) => i), "numerical") // { kind: "numeric", edges: [1, 2, 5, 10, 20, …, 180, 190, 195, 198, 199] }
 * @example freezeBins([1, 1, 2, 3], "numerical") // { kind: "values", values: [1, 2, 3] }
 */
export function freezeBins(reference: ArrayLike<number | null | undefined>, kind: "numerical", quantiles: readonly number[] = REFERENCE_QUANTILES): Bins {
  if (kind !== "numerical") throw new RangeError(`freezeBins: unsupported kind ${String(kind)}`);
  const sorted = cleanNumeric(reference).values.sort();
  if (sorted.length === 0) throw new RangeError("freezeBins: reference has no finite value");
  const distinct: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    if (i === 0 || sorted[i] !== sorted[i - 1]) {
      distinct.push(sorted[i]);
      if (distinct.length > DECILE_MIN_DISTINCT) break;
    }
  }
  if (distinct.length <= DECILE_MIN_DISTINCT) return { kind: "values", values: distinct.map((v) => (v === 0 ? 0 : v)) };
  return { kind: "numeric", edges: quantileEdges(sorted, quantiles) };
}

/**
 * The inner edges of quantile bins: `unique(quantile(sorted, quantiles))`, type 7. `sorted` is read only at the
 * ranks `quantileRanks(sorted.length, quantiles)` lists, so a caller whose values do not fit in memory can pass an
 * array-like holding just those order statistics (a reference profile of millions of rows, lib/models/references).
 */
export function quantileEdges(sorted: ArrayLike<number>, quantiles: readonly number[] = REFERENCE_QUANTILES): number[] {
  const edges: number[] = [];
  for (const p of quantiles) {
    const e = quantileSorted(sorted, p);
    if (edges.length === 0 || e !== edges[edges.length - 1]) edges.push(e);
  }
  return edges;
}

/** The 0-based ranks (order statistics) of n sorted values that `quantileEdges` reads, ascending and distinct. */
export function quantileRanks(n: number, quantiles: readonly number[] = REFERENCE_QUANTILES): number[] {
  const ranks = new Set<number>();
  for (const p of quantiles) {
    const h = (n - 1) * p;
    if (h >= n - 1) ranks.add(n - 1);
    else {
      ranks.add(Math.floor(h));
      ranks.add(Math.floor(h) + 1);
    }
  }
  return [...ranks].sort((a, b) => a - b);
}

/**
 * Freezes the bins of a categorical feature: one bin per distinct category of the reference
 * (keys from `categoryKey`: booleans "true"/"false", numbers `String(n)`), sorted by code unit.
 * Missing values are ignored. Categories that appear later only in current windows are counted
 * as `unseen` and become extra bins when aligned.
 *
 * Cost: O(n + k log k). Throws: RangeError if the reference has no non-missing value.
 *
 * @example freezeCategoricalBins(["b", "a", "b", null]) // { kind: "values", values: ["a", "b"] }
 */
export function freezeCategoricalBins(reference: readonly (string | number | boolean | null | undefined)[]): ValueBins {
  const seen = new Set<string>();
  for (const v of reference) {
    const k = categoryKey(v);
    if (k !== null) seen.add(k);
  }
  if (seen.size === 0) throw new RangeError("freezeCategoricalBins: reference has no non-missing value");
  return { kind: "values", values: [...seen].sort(compareKeys) };
}
