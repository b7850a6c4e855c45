/** Machine epsilon for float64, scikit-learn's clipping bound for log loss. */
const EPS = 2 ** -52;

/**
 * Log-loss contribution of one example: −ln(clip(p, ε, 1 − ε)) where p is the probability the
 * model gave to the **actual** class and ε = 2.2e-16 (scikit-learn ≥ 1.5 clips the same way).
 * Mergeable: keep Σ contributions and the count; log loss = sum / count.
 * Cost O(1). Throws: RangeError if p is not in [0, 1].
 *
 * @example logLossTerm(0.5) // 0.6931471805599453
 */
export function logLossTerm(pActual: number): number {
  if (!(pActual >= 0 && pActual <= 1)) throw new RangeError(`logLossTerm: probability outside [0, 1]: ${pActual}`);
  return -Math.log(Math.min(Math.max(pActual, EPS), 1 - EPS));
}

/**
 * Mean log loss (cross-entropy, natural log) over examples, given for each example the probability
 * assigned to its actual class. Needs per-example probabilities; mergeable only as (Σ logLossTerm, n).
 * Cost O(n). Throws: RangeError on an empty input or a probability outside [0, 1].
 *
 * @example logLoss([0.9, 0.8, 0.3]) // 0.5108256237659907
 */
export function logLoss(pActual: ArrayLike<number>): number {
  if (pActual.length === 0) throw new RangeError("logLoss: empty input");
  let s = 0;
  for (let i = 0; i < pActual.length; i++) s += logLossTerm(pActual[i]);
  return s / pActual.length;
}
