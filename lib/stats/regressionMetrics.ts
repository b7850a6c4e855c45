/**
 * Mergeable sums for regression metrics (add field by field across windows):
 * n, Σ|y − ŷ|, Σ(y − ŷ)², Σ|y − ŷ|/|y| over the nPct examples with y ≠ 0, Σy, Σy².
 */
export type RegressionSums = { n: number; sumAbsErr: number; sumSqErr: number; sumAbsPctErr: number; nPct: number; sumY: number; sumY2: number };
export type RegressionMetrics = { mae: number; rmse: number; mape: number | null; r2: number };

/**
 * Accumulates `RegressionSums` from labelled pairs (non-finite pairs are skipped).
 * Cost O(n). Throws: RangeError if the arrays differ in length.
 *
 * @example regressionSums([1, 2], [1.5, 2]).sumAbsErr // 0.5
 */
export function regressionSums(actual: ArrayLike<number>, predicted: ArrayLike<number>): RegressionSums {
  if (actual.length !== predicted.length) throw new RangeError("regressionSums: arrays differ in length");
  const s: RegressionSums = { n: 0, sumAbsErr: 0, sumSqErr: 0, sumAbsPctErr: 0, nPct: 0, sumY: 0, sumY2: 0 };
  for (let i = 0; i < actual.length; i++) {
    const y = actual[i];
    const e = y - predicted[i];
    if (!Number.isFinite(e)) continue;
    s.n++;
    s.sumAbsErr += Math.abs(e);
    s.sumSqErr += e * e;
    if (y !== 0) {
      s.sumAbsPctErr += Math.abs(e) / Math.abs(y);
      s.nPct++;
    }
    s.sumY += y;
    s.sumY2 += y * y;
  }
  return s;
}

/** Adds two `RegressionSums` (disjoint windows). Cost O(1). */
export function mergeRegressionSums(a: RegressionSums, b: RegressionSums): RegressionSums {
  return {
    n: a.n + b.n,
    sumAbsErr: a.sumAbsErr + b.sumAbsErr,
    sumSqErr: a.sumSqErr + b.sumSqErr,
    sumAbsPctErr: a.sumAbsPctErr + b.sumAbsPctErr,
    nPct: a.nPct + b.nPct,
    sumY: a.sumY + b.sumY,
    sumY2: a.sumY2 + b.sumY2,
  };
}

/**
 * Regression metrics from mergeable sums: MAE = Σ|e|/n, RMSE = sqrt(Σe²/n),
 * MAPE = mean of |e|/|y| over y ≠ 0 (a fraction, not %; `null` when every y is 0 — scikit-learn
 * instead divides by max(|y|, 2.2e-16) and reports astronomically large values),
 * R² = 1 − SSE/SST with SST = Σy² − (Σy)²/n; if SST = 0: R² = 1 when SSE = 0, else 0 (scikit-learn
 * `force_finite=True`). SST from raw sums loses precision when |mean| ≫ std (relative error ≈
 * eps·mean²/var); for such targets keep Welford moments of y instead (see `moments`).
 *
 * Cost: O(1). Throws: RangeError if n = 0.
 *
 * @example regressionMetrics(regressionSums([3, -0.5, 2, 7], [2.5, 0, 2, 8])).r2 // 0.9486081370449679
 */
export function regressionMetrics(sums: RegressionSums): RegressionMetrics {
  const { n } = sums;
  if (!(n > 0)) throw new RangeError("regressionMetrics: no labelled example");
  // Sums that label corrections subtracted from can end a rounding error below zero: never a negative square.
  const sse = Math.max(0, sums.sumSqErr);
  const sst = sums.sumY2 - (sums.sumY * sums.sumY) / n;
  let r2: number;
  if (sst <= 0) r2 = sse === 0 ? 1 : 0;
  else r2 = 1 - sse / sst;
  return {
    mae: Math.max(0, sums.sumAbsErr) / n,
    rmse: Math.sqrt(sse / n),
    mape: sums.nPct > 0 ? sums.sumAbsPctErr / sums.nPct : null,
    r2,
  };
}
