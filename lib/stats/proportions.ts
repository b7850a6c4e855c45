/**
 * Validates two aligned count vectors and returns their proportions (internal helper).
 * Throws RangeError if lengths differ, a vector is empty, a count is negative/non-finite, or a
 * side sums to 0 (an empty window has no distribution).
 */
export function toProportions(ref: readonly number[], cur: readonly number[], fn: string): { p: Float64Array; q: Float64Array; nRef: number; nCur: number } {
  if (ref.length !== cur.length) throw new RangeError(`${fn}: count vectors differ in length (${ref.length} vs ${cur.length})`);
  if (ref.length === 0) throw new RangeError(`${fn}: no bins`);
  let nRef = 0;
  let nCur = 0;
  for (let i = 0; i < ref.length; i++) {
    if (!(ref[i] >= 0) || !(cur[i] >= 0) || !Number.isFinite(ref[i]) || !Number.isFinite(cur[i])) {
      throw new RangeError(`${fn}: counts must be finite and ≥ 0`);
    }
    nRef += ref[i];
    nCur += cur[i];
  }
  if (nRef === 0 || nCur === 0) throw new RangeError(`${fn}: empty sample (counts sum to 0)`);
  const p = new Float64Array(ref.length);
  const q = new Float64Array(ref.length);
  for (let i = 0; i < ref.length; i++) {
    p[i] = ref[i] / nRef;
    q[i] = cur[i] / nCur;
  }
  return { p, q, nRef, nCur };
}

/**
 * Evidently's epsilon rule for empty bins (`get_binned_data(..., feel_zeroes=True)`), applied to one
 * proportion vector in place: eps = min(non-zero p)/1e6 if that minimum is ≤ 1e-4, else 1e-4; every
 * zero becomes eps; no renormalisation.
 */
export function fillZeroes(p: Float64Array): Float64Array {
  let mn = Infinity;
  let hasZero = false;
  for (const v of p) {
    if (v === 0) hasZero = true;
    else if (v < mn) mn = v;
  }
  if (!hasZero) return p;
  const eps = mn <= 1e-4 ? mn / 1e6 : 1e-4;
  for (let i = 0; i < p.length; i++) if (p[i] === 0) p[i] = eps;
  return p;
}
