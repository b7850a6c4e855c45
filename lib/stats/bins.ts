/** Inner edges of numeric bins: bin 0 is (−∞, e₀], bin i is (eᵢ₋₁, eᵢ], the last is (e_last, +∞). */
export type NumericBins = { kind: "numeric"; edges: number[] };
/** One bin per distinct value: numbers for low-cardinality numericals, strings for categoricals ("true"/"false" for booleans). */
export type ValueBins = { kind: "values"; values: (string | number)[] };
export type Bins = NumericBins | ValueBins;

/** Numerical features with more distinct reference values than this get decile bins (DESIGN.md §Drift). */
export const DECILE_MIN_DISTINCT = 20;
/** The decile probabilities 0.1 … 0.9 (the same doubles as numpy's `np.arange(1, 10) / 10`). */
export const DECILES: readonly number[] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
/**
 * Tail quantiles added to the deciles (issue #14): a change confined to the top or bottom decile (a heavy tail's
 * p99 moving) falls inside one decile bin and no test on decile counts can see it.
 */
export const TAIL_QUANTILES: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.95, 0.975, 0.99, 0.995];
/** The reference quantiles numerical bins are frozen at: 0.5, 1, 2.5, 5 %, the deciles, 95, 97.5, 99, 99.5 % (18 bins). */
export const REFERENCE_QUANTILES: readonly number[] = [0.005, 0.01, 0.025, 0.05, ...DECILES, 0.95, 0.975, 0.99, 0.995];

/**
 * Category key of a raw categorical value: strings as is, booleans as "true"/"false",
 * finite numbers as `String(n)`; `null`, `undefined`, NaN and ±Infinity are missing (`null`).
 * Cost O(1).
 *
 * @example categoryKey(true) // "true"
 */
export function categoryKey(v: unknown): string | null {
  if (typeof v === "string") return v;
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : null;
  return null;
}

/** Ascending comparison for category keys: by UTF-16 code units, i.e. Python's `sorted` for BMP strings. */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
