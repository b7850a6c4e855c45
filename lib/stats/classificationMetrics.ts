export type ClassMetrics = { precision: number; recall: number; f1: number; support: number };
export type ClassificationMetrics = {
  total: number;
  accuracy: number;
  perClass: Record<string, ClassMetrics>;
  macro: { precision: number; recall: number; f1: number };
  weighted: { precision: number; recall: number; f1: number };
  /** metrics of `positiveClass` when one is given (binary tasks) */
  positive?: ClassMetrics & { class: string };
};

/**
 * Classification metrics from a confusion matrix — mergeable: confusion matrices of disjoint
 * windows add up. `confusion[i][j]` = number of examples whose **actual** class is `classes[i]`
 * and **predicted** class is `classes[j]` (scikit-learn's convention).
 * precision_k = TP/(TP+FP), recall_k = TP/(TP+FN), F1_k = 2TP/(2TP+FP+FN); a 0/0 ratio is 0
 * (scikit-learn's `zero_division=0`). Macro = unweighted mean over classes; weighted = mean
 * weighted by support (actual count). Accuracy = trace / total.
 *
 * Cost: O(k²). Throws: RangeError if the matrix is not k×k for k = classes.length, has negative
 * or non-finite entries, or is all zeros (no labelled example).
 *
 * @example classificationMetrics([[5, 1], [2, 2]], ["no", "yes"], "yes").positive?.recall // 0.5
 */
export function classificationMetrics(confusion: readonly (readonly number[])[], classes: readonly string[], positiveClass?: string): ClassificationMetrics {
  const k = classes.length;
  if (k === 0 || confusion.length !== k || confusion.some((row) => row.length !== k)) {
    throw new RangeError("classificationMetrics: confusion must be k×k with k = classes.length > 0");
  }
  const rowSum = new Array<number>(k).fill(0);
  const colSum = new Array<number>(k).fill(0);
  let total = 0;
  let trace = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const c = confusion[i][j];
      if (!(c >= 0) || !Number.isFinite(c)) throw new RangeError("classificationMetrics: counts must be finite and ≥ 0");
      rowSum[i] += c;
      colSum[j] += c;
      total += c;
      if (i === j) trace += c;
    }
  }
  if (total === 0) throw new RangeError("classificationMetrics: empty confusion matrix");
  const div = (a: number, b: number) => (b === 0 ? 0 : a / b);
  // no prototype: a class may be named "toString" or "__proto__"
  const perClass: Record<string, ClassMetrics> = Object.create(null);
  const macro = { precision: 0, recall: 0, f1: 0 };
  const weighted = { precision: 0, recall: 0, f1: 0 };
  classes.forEach((name, i) => {
    const tp = confusion[i][i];
    const m: ClassMetrics = {
      precision: div(tp, colSum[i]),
      recall: div(tp, rowSum[i]),
      f1: div(2 * tp, rowSum[i] + colSum[i]),
      support: rowSum[i],
    };
    perClass[name] = m;
    for (const key of ["precision", "recall", "f1"] as const) {
      macro[key] += m[key] / k;
      weighted[key] += (m[key] * m.support) / total;
    }
  });
  const result: ClassificationMetrics = { total, accuracy: trace / total, perClass, macro, weighted };
  if (positiveClass !== undefined) {
    const pos = Object.hasOwn(perClass, positiveClass) ? perClass[positiveClass] : undefined;
    if (!pos) throw new RangeError(`classificationMetrics: positive class ${positiveClass} is not in classes`);
    result.positive = { class: positiveClass, ...pos };
  }
  return result;
}

/**
 * Builds a confusion matrix (rows = actual, columns = predicted) from labelled pairs; pairs with
 * a class outside `classes` are ignored and counted in `ignored`. Cost O(n + k²). Throws: nothing.
 *
 * @example confusionMatrix(["a", "b", "b"], ["a", "a", "b"], ["a", "b"]).matrix // [[1, 0], [1, 1]]
 */
export function confusionMatrix(actual: readonly string[], predicted: readonly string[], classes: readonly string[]): { matrix: number[][]; ignored: number } {
  if (actual.length !== predicted.length) throw new RangeError("confusionMatrix: actual and predicted differ in length");
  const index = new Map(classes.map((c, i) => [c, i]));
  const matrix = classes.map(() => new Array<number>(classes.length).fill(0));
  let ignored = 0;
  for (let t = 0; t < actual.length; t++) {
    const i = index.get(actual[t]);
    const j = index.get(predicted[t]);
    if (i === undefined || j === undefined) ignored++;
    else matrix[i][j]++;
  }
  return { matrix, ignored };
}
