// Model metrics. Expected values: scripts/gen_stats_fixtures.py (numpy from the definitions; scikit-learn is
// not installed; ROC AUC = Mann–Whitney U/(P·N) from scipy.stats.mannwhitneyu).
import { describe, expect, it } from "vitest";
import fx from "./__fixtures__/metrics.json";
import { classificationMetrics, confusionMatrix } from "./classificationMetrics";
import { logLoss, logLossTerm } from "./logLoss";
import { mergeRegressionSums, regressionMetrics, regressionSums } from "./regressionMetrics";
import { rocAuc, rocAucFromHistogram } from "./rocAuc";
import { expectClose } from "./testUtils";

describe("classificationMetrics", () => {
  fx.classification.forEach((c, idx) => {
    it(`case ${idx} (${c.classes.length} classes)`, () => {
      const m = classificationMetrics(c.confusion, c.classes, c.classes[1]);
      expectClose(m.accuracy, c.accuracy, "accuracy");
      c.classes.forEach((name, i) => {
        expectClose(m.perClass[name].precision, c.precision[i], `precision ${name}`);
        expectClose(m.perClass[name].recall, c.recall[i], `recall ${name}`);
        expectClose(m.perClass[name].f1, c.f1[i], `f1 ${name}`);
        expect(m.perClass[name].support).toBe(c.support[i]);
      });
      expectClose(m.macro.precision, c.macro[0], "macro p");
      expectClose(m.macro.recall, c.macro[1], "macro r");
      expectClose(m.macro.f1, c.macro[2], "macro f1");
      expectClose(m.weighted.precision, c.weighted[0], "weighted p");
      expectClose(m.weighted.recall, c.weighted[1], "weighted r");
      expectClose(m.weighted.f1, c.weighted[2], "weighted f1");
      expect(m.positive?.class).toBe(c.classes[1]);
    });
  });
  it("confusion matrices of two windows add up to the matrix of both", () => {
    const a = confusionMatrix(["x", "y", "y"], ["x", "x", "y"], ["x", "y"]).matrix;
    const b = confusionMatrix(["y", "x"], ["y", "y"], ["x", "y"]).matrix;
    const all = confusionMatrix(["x", "y", "y", "y", "x"], ["x", "x", "y", "y", "y"], ["x", "y"]).matrix;
    expect(a.map((row, i) => row.map((v, j) => v + b[i][j]))).toEqual(all);
  });
  it("throws on an empty or malformed matrix", () => {
    expect(() => classificationMetrics([[0, 0], [0, 0]], ["a", "b"])).toThrow(RangeError);
    expect(() => classificationMetrics([[1]], ["a", "b"])).toThrow(RangeError);
    expect(() => classificationMetrics([[1, 0], [0, 1]], ["a", "b"], "c")).toThrow(RangeError);
  });
});

describe("regressionMetrics", () => {
  fx.regression.forEach((c, idx) => {
    it(`case ${idx} (n = ${c.actual.length}), also merged from two halves`, () => {
      const m = regressionMetrics(regressionSums(c.actual, c.predicted));
      expectClose(m.mae, c.mae, "mae");
      expectClose(m.rmse, c.rmse, "rmse");
      expectClose(m.mape as number, c.mape, "mape");
      expectClose(m.r2, c.r2, "r2");
      const h = Math.floor(c.actual.length / 2);
      const merged = mergeRegressionSums(regressionSums(c.actual.slice(0, h), c.predicted.slice(0, h)), regressionSums(c.actual.slice(h), c.predicted.slice(h)));
      const mm = regressionMetrics(merged);
      expectClose(mm.mae, c.mae, "merged mae");
      expectClose(mm.r2, c.r2, "merged r2");
    });
  });
  it("edge cases: constant target, all-zero target, empty", () => {
    expect(regressionMetrics(regressionSums([2, 2], [2, 2])).r2).toBe(1);
    expect(regressionMetrics(regressionSums([2, 2], [1, 3])).r2).toBe(0);
    expect(regressionMetrics(regressionSums([0, 0], [1, 3])).mape).toBeNull();
    expect(() => regressionMetrics(regressionSums([], []))).toThrow(RangeError);
  });
});

describe("log loss and ROC AUC", () => {
  it("logLoss matches the definition (clipped at machine epsilon)", () => {
    expectClose(logLoss(fx.logLoss.pActual), fx.logLoss.logLoss, "log loss");
    expect(logLossTerm(0.5)).toBe(Math.LN2);
    expect(() => logLoss([])).toThrow(RangeError);
    expect(() => logLossTerm(1.5)).toThrow(RangeError);
  });
  fx.auc.forEach((c, idx) => {
    it(`rocAuc case ${idx} (n = ${c.scores.length}, with ties)`, () => {
      expectClose(rocAuc(c.scores, c.positive), c.auc, "auc");
      // histogram over the distinct scores gives the same number
      const distinct = [...new Set(c.scores)].sort((a, b) => a - b);
      const pos = distinct.map((s) => c.scores.filter((x, i) => x === s && c.positive[i]).length);
      const neg = distinct.map((s) => c.scores.filter((x, i) => x === s && !c.positive[i]).length);
      expectClose(rocAucFromHistogram(pos, neg), c.auc, "auc from histogram");
    });
  });
  it("rocAuc needs both classes", () => {
    expect(() => rocAuc([0.1, 0.2], [true, true])).toThrow(RangeError);
  });
});
