/**
 * ROC AUC of a binary classifier from raw scores: the probability that a random positive scores
 * higher than a random negative, ties counting ½ (Mann–Whitney U / (P·N), equal to the trapezoidal
 * area under the ROC curve that scikit-learn's `roc_auc_score` computes). **Not mergeable** from
 * counts: it needs the scores (or a score histogram, see `rocAucFromHistogram`).
 *
 * Cost: O(n log n). Throws: RangeError if the lengths differ, a score is NaN, or only one class is present.
 *
 * @example rocAuc([0.1, 0.4, 0.35, 0.8], [false, false, true, true]) // 0.75
 */
export function rocAuc(scores: ArrayLike<number>, positive: ArrayLike<boolean>): number {
  const n = scores.length;
  if (n !== positive.length) throw new RangeError("rocAuc: scores and labels differ in length");
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < n; i++) if (Number.isNaN(scores[i])) throw new RangeError("rocAuc: NaN score");
  idx.sort((a, b) => scores[a] - scores[b]);
  let nPos = 0;
  let nNeg = 0;
  let u = 0; // Σ over positives of (#negatives below + ½ #negatives tied)
  let i = 0;
  while (i < n) {
    let j = i;
    let pos = 0;
    let neg = 0;
    while (j < n && scores[idx[j]] === scores[idx[i]]) {
      if (positive[idx[j]]) pos++;
      else neg++;
      j++;
    }
    u += pos * nNeg + 0.5 * pos * neg;
    nPos += pos;
    nNeg += neg;
    i = j;
  }
  if (nPos === 0 || nNeg === 0) throw new RangeError("rocAuc: needs both classes");
  return u / (nPos * nNeg);
}

/**
 * ROC AUC from a score histogram (mergeable: counts of positives and negatives per score bin,
 * bins in ascending score order). Scores within a bin count as tied, so this equals `rocAuc` on
 * scores rounded to their bin, and approximates the raw-score AUC from below/above by at most
 * Σ posᵢnegᵢ / (2PN).
 * Cost O(k). Throws: RangeError if the arrays differ in length or a class is absent.
 *
 * @example rocAucFromHistogram([0, 1, 1], [1, 1, 0]) // 0.875
 */
export function rocAucFromHistogram(positives: readonly number[], negatives: readonly number[]): number {
  if (positives.length !== negatives.length) throw new RangeError("rocAucFromHistogram: arrays differ in length");
  let nNeg = 0;
  let nPos = 0;
  let u = 0;
  for (let i = 0; i < positives.length; i++) {
    u += positives[i] * nNeg + 0.5 * positives[i] * negatives[i];
    nPos += positives[i];
    nNeg += negatives[i];
  }
  if (nPos === 0 || nNeg === 0) throw new RangeError("rocAucFromHistogram: needs both classes");
  return u / (nPos * nNeg);
}
