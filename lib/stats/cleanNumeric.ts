/** A numeric sample with its missing values removed. */
export type CleanNumeric = { values: Float64Array; missing: number };

/**
 * Drops missing values — `null`, `undefined`, NaN and ±Infinity, as DESIGN.md §Drift and
 * Evidently (`replace([inf, -inf], nan).dropna()`) do — and counts them.
 *
 * Cost: O(n). Throws: nothing (an all-missing input gives an empty `values`).
 *
 * @example cleanNumeric([1, null, NaN, 2, Infinity]) // { values: Float64Array [1, 2], missing: 3 }
 */
export function cleanNumeric(values: ArrayLike<number | null | undefined>): CleanNumeric {
  const out = new Float64Array(values.length);
  let k = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === "number" && Number.isFinite(v)) out[k++] = v;
  }
  return { values: k === values.length ? out : out.slice(0, k), missing: values.length - k };
}
