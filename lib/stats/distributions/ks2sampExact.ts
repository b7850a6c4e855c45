/**
 * Exact null distribution of the two-sided two-sample KS statistic, ported from scipy 1.17
 * (`scipy/stats/_stats_py.py::_attempt_exact_2kssamp`, `_compute_prob_outside_square` and the
 * pythran kernel `_stats_pythran.py::_compute_outer_prob_inside_method`, Hodges 1958 with
 * Viehmann's 2021 recursion for 1 − p). Same floating-point operations in the same order.
 */

/** P(D_{n,n} ≥ h/n) for equal sample sizes. Cost O(n). */
export function probOutsideSquare(n: number, h: number): number {
  let P = 0;
  let k = Math.floor(n / h);
  while (k >= 0) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    P = p1 * (1 - P);
    k -= 1;
  }
  return 2 * P;
}

/**
 * Proportion of lattice paths from (0,0) to (m,n) that leave the band |x/m − y/n| < h/lcm(m,n),
 * i.e. P(D_{m,n} ≥ h/lcm). Cost O(m · window) ≤ O(m·n), memory O(n).
 */
export function outerProbInsideMethod(m0: number, n0: number, g: number, h: number): number {
  let m = m0;
  let n = n0;
  if (m < n) [m, n] = [n, m];
  const mg = Math.floor(m / g);
  const ng = Math.floor(n / g);
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const A = new Float64Array(lenA).fill(1);
  for (let j = minj; j < maxj; j++) A[j] = 0;
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.max(Math.floor((ng * i - h) / mg) + 1, 0);
    minj = Math.min(minj, n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = (A[jj + minj - lastminj] * i + val * j) / (i + j);
      A[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) {
      const end = Math.min(maxj - minj + (lastlen - curlen), lenA);
      for (let t = maxj - minj; t < end; t++) A[t] = 1;
    }
  }
  return A[maxj - minj - 1];
}
