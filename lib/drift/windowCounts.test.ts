// Window counts from rollup documents: aligned to the reference's bins, unseen values and overflow appended.
import { describe, expect, it } from "vitest";
import { createProfileBuilder } from "../models/references/profile";
import { OTHER_VALUE, SEP, key } from "../rollups/documents";
import { alignCounts, countIntoBins, createRandom } from "../stats";
import { featureDoc, predictionDoc } from "./testDocs";
import { OVERFLOW_LABEL, windowCounts, windowFeatureCounts, windowFeatureFromValues, windowPredictionCounts } from "./windowCounts";

const rng = createRandom(11);
const refRows = Array.from({ length: 1000 }, (_, i) => ({
  features: { amount: rng.normal() * 10, plan: ["basic", "pro", "team"][i % 3], kids: i % 4, active: i % 5 !== 0 },
  prediction: i % 3 === 0 ? "fraud" : "legit",
}));
const builder = createProfileBuilder({ featureTypes: {}, task: "binary_classification" });
refRows.forEach((r) => builder.add(r));
const profile = builder.finish();

describe("windowFeatureCounts", () => {
  it("numeric bins: f·b·<i> counts, missing = f·miss + f·mis", () => {
    const cur = [...Array.from({ length: 400 }, () => rng.normal() * 10 + 3), null, "x", null];
    const f = profile.features.amount;
    const w = windowFeatureCounts(featureDoc(f, cur), f);
    const direct = countIntoBins(f.bins, cur);
    expect(w.counts).toEqual(direct.counts);
    expect(w.missing).toBe(3);
    expect(w.count).toBe(400);
    expect(w.unseen).toEqual({});
    expect(w.binsLabels.length).toBe(w.counts.length);
    expect(w.binsLabels[0]).toMatch(/^\(-∞, /);
    expect(w.binsLabels[w.binsLabels.length - 1]).toMatch(/, \+∞\)$/);
  });

  it("categorical: unseen categories become extra bins (reference 0), as lib/stats alignCounts", () => {
    const cur = ["pro", "pro", "enterprise", "basic", "free", null, "pro"];
    const f = profile.features.plan;
    const w = windowFeatureCounts(featureDoc(f, cur), f);
    const aligned = alignCounts(f.bins, { counts: f.counts, missing: 0 }, countIntoBins(f.bins, cur));
    expect(w.counts).toEqual(aligned.cur);
    expect(w.binsLabels).toEqual(["basic", "pro", "team", "enterprise", "free"]);
    expect(w.counts).toEqual([1, 3, 0, 1, 1]);
    expect(w.unseen).toEqual({ enterprise: 1, free: 1 });
    expect(w.missing).toBe(1);
    expect(w.count).toBe(6);
  });

  it("low-cardinality numerical: value bins, unseen numbers sorted numerically, booleans as true/false", () => {
    const kids = profile.features.kids;
    const w = windowFeatureCounts(featureDoc(kids, [0, 1, 12, 3, 7, 7, "two"]), kids);
    expect(w.binsLabels).toEqual(["0", "1", "2", "3", "7", "12"]);
    expect(w.counts).toEqual([1, 1, 0, 1, 2, 1]);
    expect(w.unseen).toEqual({ "7": 2, "12": 1 });
    expect(w.missing).toBe(1);
    const active = profile.features.active;
    expect(windowFeatureCounts(featureDoc(active, [true, false, true]), active).counts).toEqual([1, 2]);
  });

  it("overflow (OTHER_VALUE) becomes an '(other)' bin, or joins the reference's own overflow bin", () => {
    const f = profile.features.plan;
    const doc = { ...featureDoc(f, ["pro", "new"]), [key("plan", "v", OTHER_VALUE)]: 5 };
    const w = windowFeatureCounts(doc, f);
    expect(w.binsLabels).toEqual(["basic", "pro", "team", "new", OVERFLOW_LABEL]);
    expect(w.counts).toEqual([0, 1, 0, 1, 5]);
    expect(w.unseen).toEqual({ new: 1 });

    const b = createProfileBuilder({ featureTypes: {}, task: "regression" });
    for (let i = 0; i < 3000; i++) b.add({ features: { id: i < 1000 ? "common" : `id${i}` } });
    const ids = b.finish().features.id;
    const w2 = windowFeatureCounts({ ...featureDoc(ids, ["common", "id5", "brand-new"]), [key("id", "v", OTHER_VALUE)]: 4 }, ids);
    expect(w2.counts.length).toBe(ids.counts.length);
    expect(w2.count).toBe(7);
    expect(w2.unseen).toEqual({});
    expect(w2.binsLabels).toContain(OVERFLOW_LABEL);
  });

  it("raw values give the same counts as the rollup document", () => {
    for (const [name, cur] of [
      ["amount", [1.5, -3, 40, null, "x"]],
      ["plan", ["pro", "zeta", null]],
      ["kids", [2, 2, 9, null]],
    ] as const) {
      const f = profile.features[name];
      expect(windowFeatureFromValues(cur, f)).toEqual(windowFeatureCounts(featureDoc(f, cur), f));
    }
  });

  it("windowCounts covers every profile feature; absent features have zero counts", () => {
    const doc = featureDoc(profile.features.plan, ["pro"]);
    const all = windowCounts(doc, profile);
    expect(Object.keys(all)).toEqual(Object.keys(profile.features));
    expect(all.amount.count).toBe(0);
    expect(all.plan.count).toBe(1);
  });
});

describe("windowPredictionCounts", () => {
  it("classification: pc·<class> counts on the reference's classes, unseen classes appended", () => {
    const doc = { ...predictionDoc(["fraud", "legit", "legit", "review"]), n: 6, err: 1 };
    const w = windowPredictionCounts(doc, profile.prediction);
    expect(w).toEqual({ counts: [1, 2, 1], binsLabels: ["fraud", "legit", "review"], count: 4, missing: 1, unseen: { review: 1 } });
  });

  it("regression or no profile: null (moments cannot be binned)", () => {
    const b = createProfileBuilder({ featureTypes: {}, task: "regression" });
    b.add({ features: {}, prediction: 1.5 });
    expect(windowPredictionCounts({ pn: 1, ps: 2 }, b.finish().prediction)).toBeNull();
    expect(windowPredictionCounts({ ["pc" + SEP + "a"]: 1 }, null)).toBeNull();
  });
});
