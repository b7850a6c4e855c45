// computeDrift: every method equals lib/stats called directly on the same values; verdict rules and overrides.
import { describe, expect, it } from "vitest";
import { type FeatureProfile, createProfileBuilder } from "../models/references/profile";
import {
  alignCounts,
  chi2Homogeneity,
  countIntoBins,
  createRandom,
  defaultVerdict,
  evidentlyDrift,
  hellinger,
  jsDistance,
  ks2samp,
  psi,
  twoProportionZTest,
  wassersteinNormed,
} from "../stats";
import { EVIDENTLY_TEST_NAMES, jsonStatistic, statisticValue } from "./methods";
import { DRIFT_METHODS, type DriftMethod, type FeatureDrift, type MethodResult, computeDrift } from "./computeDrift";
import { predictionDoc } from "./testDocs";
import { type WindowFeature, windowPredictionCounts } from "./windowCounts";

const close = (a: number | string | null | undefined, b: number) => expect(Math.abs(Number(a ?? NaN) - b)).toBeLessThanOrEqual(1e-12);

const rng = createRandom(2026);
const N = 3000;
const ref = {
  amount: Array.from({ length: N }, () => rng.normal() * 10 + 50),
  plan: Array.from({ length: N }, (_, i) => ["basic", "pro", "team"][i % 3]),
  active: Array.from({ length: N }, () => rng.uniform() < 0.3),
  kids: Array.from({ length: N }, (_, i) => i % 4),
};
const builder = createProfileBuilder({ featureTypes: {}, task: "binary_classification" });
for (let i = 0; i < N; i++) {
  builder.add({
    features: { amount: ref.amount[i], plan: ref.plan[i], active: ref.active[i], kids: ref.kids[i] },
    prediction: ref.active[i] ? "churn" : "stay",
  });
}
const profile = builder.finish();

const M = 1000;
const cur = {
  amount: [...Array.from({ length: M }, () => rng.normal() * 10 + 54), null, NaN],
  plan: [...Array.from({ length: M }, (_, i) => ["basic", "pro", "pro", "enterprise"][i % 4]), null],
  active: Array.from({ length: M }, () => rng.uniform() < 0.45),
  kids: Array.from({ length: M }, (_, i) => i % 4),
};

/** A window counted with lib/stats countIntoBins and aligned with alignCounts (no rollup code involved). */
function windowOf(f: FeatureProfile, values: readonly unknown[]): WindowFeature {
  const c = countIntoBins(f.bins, values);
  const a = alignCounts(f.bins, { counts: f.counts, missing: 0 }, c);
  return { counts: a.cur, binsLabels: a.labels.map(String), count: a.cur.reduce((x, y) => x + y, 0), missing: c.missing, unseen: Object.fromEntries(c.unseen ?? []) };
}
const window = Object.fromEntries(Object.entries(cur).map(([k, v]) => [k, windowOf(profile.features[k], v)]));
const raw = cur as unknown as Record<string, number[] | string[]>;
const result = (f: FeatureDrift | null | undefined, m: DriftMethod): MethodResult => {
  const r = f?.results.find((x) => x.method === m);
  if (!r) throw new Error(`no ${m} result`);
  return r;
};

describe("computeDrift — methods equal lib/stats", () => {
  const d = computeDrift({ profile, window, raw, methods: [...DRIFT_METHODS] });
  const byName = Object.fromEntries(d.features.map((f) => [f.feature, f]));

  it("binned methods on the aligned counts", () => {
    for (const name of ["amount", "plan", "active", "kids"]) {
      const f = profile.features[name];
      const a = alignCounts(f.bins, { counts: f.counts, missing: 0 }, countIntoBins(f.bins, cur[name as keyof typeof cur]));
      const fd = byName[name];
      close(result(fd, "psi").statistic, psi(a.ref, a.cur));
      close(result(fd, "js").statistic, jsDistance(a.ref, a.cur));
      close(result(fd, "hellinger").statistic, hellinger(a.ref, a.cur));
      const chi = chi2Homogeneity(a.ref, a.cur);
      close(result(fd, "chi2").statistic, chi.statistic);
      close(result(fd, "chi2").pValue, chi.pValue);
      expect(result(fd, "chi2").drifted).toBe(chi.pValue < 0.05);
      expect(result(fd, "psi").drifted).toBe(psi(a.ref, a.cur) >= 0.1);
    }
  });

  it("raw-value methods on the reference sample (all values here) and the cleaned window", () => {
    const curAmount = cur.amount.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
    const ks = ks2samp(ref.amount, curAmount);
    close(result(byName.amount, "ks").statistic, ks.statistic);
    close(result(byName.amount, "ks").pValue, ks.pValue);
    close(result(byName.amount, "wasserstein").statistic, wassersteinNormed(ref.amount, curAmount));
    const ev = evidentlyDrift(ref.amount, cur.amount, "numerical");
    expect(result(byName.amount, "evidently")).toMatchObject({ detail: ev.method, threshold: ev.threshold, drifted: ev.drifted });
    close(result(byName.amount, "evidently").statistic, ev.statistic);
    const evPlan = evidentlyDrift(ref.plan, cur.plan, "categorical");
    expect(result(byName.plan, "evidently")).toMatchObject({ detail: evPlan.method, statistic: evPlan.statistic, drifted: evPlan.drifted });
    // Evidently's own test names, and its drift score in one field with its kind (issue #14)
    for (const [f, e] of [[byName.amount, ev], [byName.plan, evPlan]] as const) {
      const r = result(f, "evidently");
      expect(r.test).toBe(EVIDENTLY_TEST_NAMES[e.method]);
      const isP = e.pValue !== undefined;
      expect(r.scoreKind).toBe(isP ? "p_value" : "distance");
      close(r.score, isP ? (e.pValue as number) : e.statistic);
    }
  });

  it("ztest for binary features only", () => {
    const z = twoProportionZTest(ref.active.filter(Boolean).length, N, cur.active.filter(Boolean).length, M);
    close(result(byName.active, "ztest").statistic, z.statistic);
    close(result(byName.active, "ztest").pValue, z.pValue);
    expect(result(byName.active, "ztest").detail).toBe("success = true");
    expect(result(byName.amount, "ztest")).toMatchObject({ skipped: true, statistic: null, drifted: false });
    expect(result(byName.plan, "ks")).toMatchObject({ skipped: true, detail: "ks applies to numerical features" });
  });

  it("verdict = lib/stats defaultVerdict over the features together (BH), missing reported", () => {
    const names = ["amount", "plan", "active", "kids"];
    const v = defaultVerdict(
      names.map((name) => {
        const f = profile.features[name];
        const a = alignCounts(f.bins, { counts: f.counts, missing: 0 }, countIntoBins(f.bins, cur[name as keyof typeof cur]));
        return { name, type: f.binary ? "binary" : f.type, ref: a.ref, cur: a.cur };
      }),
    );
    expect(d.features.map((f) => f.feature)).toEqual(names);
    d.features.forEach((f, i) => {
      expect(f.drifted).toBe(v.features[i].drifted);
      expect(f.decidedBy).toBe("default");
      close(f.score, v.features[i].effect?.value ?? NaN);
      close(f.pValue, v.features[i].test?.pAdjusted ?? NaN);
    });
    expect(byName.amount).toMatchObject({ count: M, missing: 2, drifted: true });
    expect(byName.plan).toMatchObject({ count: M, missing: 1, drifted: true });
    expect(byName.kids.drifted).toBe(false);
    expect(d).toMatchObject({ tested: 4, driftedCount: v.driftedCount, driftedShare: v.driftedShare, datasetDrift: v.alarm });
    expect(d.datasetDrift).toBe(true);
    expect(d.datasetDriftShare).toBe(d.driftedCount / d.tested >= 0.5);
    expect(JSON.parse(JSON.stringify(d))).toEqual(d);
  });
});

describe("computeDrift — rules", () => {
  it("unseen categories: reference 0 on the extra bin, chi2 and psi on reference ∪ current", () => {
    const plan = profile.features.plan;
    const w = windowOf(plan, cur.plan);
    expect(w.unseen).toEqual({ enterprise: 250 });
    const d = computeDrift({ profile, window: { plan: w }, methods: ["chi2", "psi"] });
    expect(d.features[0].unseen).toEqual({ enterprise: 250 }); // listed per feature in the response, with counts
    const refAligned = [...plan.counts, 0];
    close(result(d.features[0], "chi2").statistic, chi2Homogeneity(refAligned, w.counts).statistic);
    close(result(d.features[0], "psi").statistic, psi(refAligned, w.counts));
  });

  it("an infinite statistic is the string \"Infinity\" in JSON, not null (null means skipped; issue #14)", () => {
    // a reference of ≤ 1,000 values with 3 categories: evidently picks its chi-square GoF, which is +∞ for a new category
    const b = createProfileBuilder({ featureTypes: { plan: "categorical" }, task: "binary_classification" });
    for (let i = 0; i < 600; i++) b.add({ features: { plan: ["basic", "pro", "team"][i % 3] } });
    const small = b.finish();
    const values = Array.from({ length: 300 }, (_, i) => ["basic", "pro", "enterprise"][i % 3]);
    const d = computeDrift({ profile: small, window: { plan: windowOf(small.features.plan, values) }, raw: { plan: values }, methods: ["evidently", "ks"] });
    const ev = result(d.features[0], "evidently");
    expect(ev.detail).toBe("chisquare");
    expect(ev.statistic).toBe("Infinity");
    expect(ev.pValue).toBe(0);
    expect(ev.drifted).toBe(true);
    const json = JSON.parse(JSON.stringify(d)) as typeof d;
    expect(result(json.features[0], "evidently").statistic).toBe("Infinity");
    expect(statisticValue(result(json.features[0], "evidently").statistic)).toBe(Infinity);
    // a skipped method is the only null
    expect(result(json.features[0], "ks")).toMatchObject({ statistic: null, skipped: true });
    expect(jsonStatistic(-Infinity)).toBe("-Infinity");
    expect(jsonStatistic(NaN)).toBe("NaN");
    expect(jsonStatistic(0.5)).toBe(0.5);
  });

  it("insufficient data: under 200 values, or no feature → dataset insufficient_data", () => {
    const few = { amount: windowOf(profile.features.amount, cur.amount.slice(0, 150)) };
    const d = computeDrift({ profile, window: few, methods: ["psi"] });
    expect(d.features[0]).toMatchObject({ drifted: "insufficient_data", score: 0, count: 150 });
    expect(d.features[0].reason).toMatch(/fewer than 200/);
    expect(d.features[0].pValue).toBeUndefined();
    expect(result(d.features[0], "psi").skipped).toBeUndefined(); // methods still report their number
    expect(d).toMatchObject({ tested: 0, driftedCount: 0, driftedShare: 0, datasetDrift: "insufficient_data" });
    expect(computeDrift({ profile, window: {}, methods: [] })).toMatchObject({ features: [], datasetDrift: "insufficient_data" });
  });

  it("raw-value methods are skipped with a detail when raw values are absent", () => {
    const d = computeDrift({ profile, window: { amount: window.amount }, methods: ["ks", "wasserstein", "evidently"] });
    for (const r of d.features[0].results) expect(r).toMatchObject({ skipped: true, statistic: null, detail: expect.stringMatching(/raw values/) });
  });

  it("a feature absent from the window is binned from its raw values", () => {
    const d = computeDrift({ profile, window: {}, raw: { amount: cur.amount as number[] }, methods: ["psi"] });
    const direct = computeDrift({ profile, window: { amount: window.amount }, methods: ["psi"] });
    expect(d.features).toEqual(direct.features);
  });

  it("method overrides: a configured method decides, per feature before per type, with its threshold", () => {
    const base = computeDrift({ profile, window, methods: ["psi"] });
    expect(base.features.find((f) => f.feature === "amount")?.drifted).toBe(true);
    const d = computeDrift({
      profile,
      window,
      raw,
      methods: ["psi"],
      thresholds: { numerical: { method: "psi", threshold: 5 }, categorical: { method: "hellinger", threshold: 0.01 }, features: { kids: { method: "ks" } } },
    });
    const by = Object.fromEntries(d.features.map((f) => [f.feature, f]));
    expect(by.amount).toMatchObject({ drifted: false, decidedBy: "psi" });
    expect(result(by.amount, "psi").threshold).toBe(5);
    expect(by.kids).toMatchObject({ decidedBy: "ks" });
    expect(by.kids.drifted).toBe(result(by.kids, "ks").drifted);
    expect(by.kids.results.map((r) => r.method)).toEqual(["psi", "ks"]); // the configured method is added
    expect(by.plan).toMatchObject({ decidedBy: "hellinger", drifted: true });
    expect(by.active).toMatchObject({ decidedBy: "hellinger" });
    expect(result(by.plan, "hellinger").threshold).toBe(0.01);
    expect(d.driftedCount).toBe(d.features.filter((f) => f.drifted === true).length);
    expect(d.datasetDrift).toBe(base.datasetDrift); // the alarm is the default verdict's

    // a configured raw-value method without raw values leaves the default verdict
    const noRaw = computeDrift({ profile, window, methods: [], thresholds: { numerical: { method: "ks" } } });
    expect(noRaw.features.find((f) => f.feature === "amount")).toMatchObject({ decidedBy: "default", drifted: true });
  });

  it("rejects unknown methods", () => {
    expect(() => computeDrift({ profile, window, methods: ["kl" as DriftMethod] })).toThrow(RangeError);
  });
});

describe("computeDrift — prediction", () => {
  it("classifier: predicted class counts from a metrics document, judged on their own", () => {
    const classes = Array.from({ length: 800 }, (_, i) => (i % 2 === 0 ? "churn" : "stay"));
    const pw = windowPredictionCounts(predictionDoc(classes), profile.prediction);
    const d = computeDrift({ profile, window: {}, prediction: { window: pw }, methods: ["psi", "chi2", "ztest"] });
    const p = d.prediction;
    expect(p).toMatchObject({ feature: "prediction", type: "categorical", count: 800, missing: 0, drifted: true, decidedBy: "default" });
    const refCounts = profile.prediction?.counts ?? [];
    close(result(p, "psi").statistic, psi(refCounts, [400, 400]));
    close(result(p, "ztest").pValue, twoProportionZTest(refCounts[1], N, 400, 800).pValue);
    expect(d.tested).toBe(0); // not part of the features' share or alarm
    const same = computeDrift({ profile, window: {}, prediction: { window: windowPredictionCounts(predictionDoc(ref.active.map((a) => (a ? "churn" : "stay"))), profile.prediction) }, methods: [] });
    expect(same.prediction?.drifted).toBe(false);
  });

  it("regression: binned from raw predictions, or insufficient_data without them", () => {
    const b = createProfileBuilder({ featureTypes: {}, task: "regression" });
    const refY = Array.from({ length: 1000 }, () => rng.normal());
    refY.forEach((y) => b.add({ features: {}, prediction: y }));
    const prof = b.finish();
    const curY = Array.from({ length: 500 }, () => rng.normal() + 1);
    const d = computeDrift({ profile: prof, window: {}, prediction: { window: null, raw: curY }, methods: ["psi", "ks"] });
    const a = alignCounts(prof.prediction!.bins, { counts: prof.prediction!.counts, missing: 0 }, countIntoBins(prof.prediction!.bins, curY));
    close(result(d.prediction, "psi").statistic, psi(a.ref, a.cur));
    close(result(d.prediction, "ks").pValue, ks2samp(refY, curY).pValue);
    expect(d.prediction?.drifted).toBe(true);
    const none = computeDrift({ profile: prof, window: {}, prediction: { window: null }, methods: [] });
    expect(none.prediction).toMatchObject({ drifted: "insufficient_data", count: 0 });
  });
});

describe("missingness drift (issue #14)", () => {
  const r = createRandom(77);
  const b = createProfileBuilder({ featureTypes: { x: "numerical", y: "numerical" }, task: "regression" });
  // reference: x 1 % missing, y never missing
  for (let i = 0; i < 5000; i++) b.add({ features: { x: r.uniform() < 0.01 ? null : r.normal(), y: r.normal() } });
  const prof = b.finish();
  const win = (missX: number, n = 4000) => {
    const xs = Array.from({ length: n }, () => (r.uniform() < missX ? null : r.normal()));
    const ys = Array.from({ length: n }, () => r.normal());
    return { x: windowOf(prof.features.x, xs), y: windowOf(prof.features.y, ys) };
  };

  it("flags 1 % → 30 % missing as missing-drift while the values stay undrifted, and raises the dataset alarm", () => {
    const d = computeDrift({ profile: prof, window: win(0.3), methods: [] });
    const x = d.features.find((f) => f.feature === "x");
    expect(x?.drifted).toBe(false);
    expect(x?.missingDrifted).toBe(true);
    const m = x?.missingDrift;
    expect(m?.referenceShare).toBeCloseTo(prof.features.x.missing / 5000, 12);
    expect(m?.share).toBeCloseTo(x!.missing / 4000, 12);
    // the same z-test lib/stats gives, on missing / rows
    const z = twoProportionZTest(prof.features.x.missing, 5000, x!.missing, 4000);
    close(m?.statistic, z.statistic);
    close(m?.pValue, z.pValue);
    expect(d.features.find((f) => f.feature === "y")?.missingDrifted).toBe(false);
    expect(d.missingDriftedCount).toBe(1);
    expect(d.driftedCount).toBe(0);
    expect(d.datasetDrift).toBe(true);
    expect(d.datasetDriftBonferroni).toBe(true);
    expect(d.datasetDriftShare).toBe(false); // Evidently's rule: no value drift in 2 features, share 0 < 0.5
  });

  it("does not flag an unchanged missing share, and is insufficient_data under 200 rows", () => {
    const d = computeDrift({ profile: prof, window: win(0.01), methods: [] });
    expect(d.features.map((f) => f.missingDrifted)).toEqual([false, false]);
    expect(d.missingDriftedCount).toBe(0);
    const small = computeDrift({ profile: prof, window: win(0.5, 150), methods: [] });
    expect(small.features[0].missingDrifted).toBe("insufficient_data");
    expect(small.features[0].missingDrift?.pValue).toBeUndefined();
  });
});

describe("tail-only changes (issue #14)", () => {
  // Student-t(3): above its q90 the values are stretched so that p99 becomes ×1.5 — all of the change lies inside the
  // top decile, where the pre-#14 decile bins saw nothing (PSI 0.0000)
  const Q90 = 1.6377443572159062;
  const Q99 = 4.540702858698419;
  const t3 = (r: ReturnType<typeof createRandom>) => {
    const z = r.normal();
    const a = r.normal();
    const b = r.normal();
    const c = r.normal();
    return z / Math.sqrt((a * a + b * b + c * c) / 3);
  };
  const slope = (1.5 * Q99 - Q90) / (Q99 - Q90);
  it("flags a Student-t(3) whose p99 moves ×1.5 at n = 20,000, and not an unchanged window", () => {
    const r = createRandom(99);
    const b = createProfileBuilder({ featureTypes: { x: "numerical" }, task: "regression" });
    for (let i = 0; i < 20_000; i++) b.add({ features: { x: t3(r) } });
    const prof = b.finish();
    expect(prof.features.x.bins.kind === "numeric" && prof.features.x.bins.edges.length).toBe(17);
    const judge = (values: number[]) => computeDrift({ profile: prof, window: { x: windowOf(prof.features.x, values) }, methods: ["psi"] }).features[0];
    const moved = judge(Array.from({ length: 20_000 }, () => {
      const x = t3(r);
      return x > Q90 ? Q90 + (x - Q90) * slope : x;
    }));
    expect(moved.drifted).toBe(true);
    expect(moved.pValueMethod).toBe("chi2_ad");
    expect(moved.score).toBeGreaterThan(0.01);
    const same = judge(Array.from({ length: 20_000 }, () => t3(r)));
    expect(same.drifted).toBe(false);
  });
});

