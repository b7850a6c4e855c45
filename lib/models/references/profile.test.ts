// Reference profile: the same bins and counts as lib/stats called directly, types, missing values, the sample.
import { describe, expect, it } from "vitest";
import { OTHER_VALUE } from "../../rollups/documents";
import { DECILES, REFERENCE_QUANTILES, countIntoBins, createRandom, freezeBins, freezeCategoricalBins, moments } from "../../stats";
import { BIN_SCHEME, MAX_CATEGORY_BINS, SAMPLE_MAX, TOP_MAX, createProfileBuilder } from "./profile";
import { PREDICTION_KEY } from "../../domain/model";
import { createNumberReservoir, createReservoir } from "./reservoir";

type Row = { features: Record<string, unknown>; prediction?: unknown };

function build(rows: Row[], featureTypes: Record<string, "numerical" | "categorical"> = {}, task: "binary_classification" | "regression" = "binary_classification", seed?: number) {
  const b = createProfileBuilder({ featureTypes, task, ...(seed === undefined ? {} : { seed }) });
  for (const r of rows) b.add(r);
  return b.finish();
}

const rng = createRandom(7);
const amounts = Array.from({ length: 3000 }, (_, i) => (i % 97 === 0 ? null : Math.round(rng.normal() * 1000) / 10));
const small = Array.from({ length: 3000 }, (_, i) => [1, 2, 3, 5, 8][i % 5] as number | string | null);
small[10] = "n/a"; // wrong type for a numerical feature
small[11] = null;
const countries = Array.from({ length: 3000 }, (_, i) => (i % 50 === 3 ? null : ["DE", "FR", "US", "NL"][Math.floor(rng.uniform() * 4)]));
const rows: Row[] = amounts.map((a, i) => ({
  features: { amount: a, small: small[i], country: countries[i], newUser: i % 3 === 0, ...(i >= 100 ? { late: i % 7 } : {}) },
  prediction: i % 4 === 0 ? "fraud" : "legit",
}));

describe("createProfileBuilder", () => {
  const p = build(rows, { small: "numerical" });

  it("numerical decile bins and counts equal lib/stats freezeBins + countIntoBins", () => {
    const f = p.features.amount;
    expect(f.type).toBe("numerical");
    expect(f.bins).toEqual(freezeBins(amounts, "numerical"));
    expect(f.bins.kind).toBe("numeric");
    expect(f.counts).toEqual(countIntoBins(f.bins, amounts).counts);
    expect(f.missing).toBe(amounts.filter((a) => a === null).length);
    expect(f.count + f.missing).toBe(3000);
    expect(f.moments).toEqual(moments(amounts));
    expect(f.binary).toBe(false);
    expect(f.top).toBeUndefined();
  });

  it("low-cardinality numerical: value bins, counts as countIntoBins, a string counts as missing", () => {
    const f = p.features.small;
    const numeric = small.map((v) => (typeof v === "number" ? v : null));
    expect(f.bins).toEqual(freezeBins(numeric, "numerical"));
    expect(f.bins).toEqual({ kind: "values", values: [1, 2, 3, 5, 8] });
    expect(f.counts).toEqual(countIntoBins(f.bins, small).counts);
    expect(f.missing).toBe(2);
  });

  it("categorical bins and counts equal freezeCategoricalBins + countIntoBins; top categories by count", () => {
    const f = p.features.country;
    expect(f.type).toBe("categorical");
    expect(f.bins).toEqual(freezeCategoricalBins(countries));
    expect(f.counts).toEqual(countIntoBins(f.bins, countries).counts);
    expect(f.missing).toBe(countries.filter((c) => c === null).length);
    expect(f.moments).toBeNull();
    const top = f.top ?? [];
    expect(top.map((t) => t.count)).toEqual([...f.counts].sort((a, b) => b - a));
    expect(new Set(f.sample as string[])).toEqual(new Set(["DE", "FR", "US", "NL"]));
  });

  it("infers types from the first non-null value; booleans are binary categoricals", () => {
    expect(p.features.newUser).toMatchObject({ type: "categorical", binary: true, bins: { kind: "values", values: ["false", "true"] } });
    expect(p.features.late.type).toBe("numerical");
    const q = build([{ features: { x: null, y: "a" } }, { features: { x: 3, y: 4 } }, { features: { x: "3", y: true } }]);
    expect(q.features.x).toMatchObject({ type: "numerical", count: 1, missing: 2 }); // null first, then typed by 3; "3" is missing
    expect(q.features.y).toMatchObject({ type: "categorical", count: 3, missing: 0, bins: { kind: "values", values: ["4", "a", "true"] } });
    // declared type wins over the first value
    const r = build([{ features: { z: "7" } }, { features: { z: 8 } }], { z: "numerical" });
    expect(r.features.z).toMatchObject({ type: "numerical", count: 1, missing: 1 });
  });

  it("counts absent values as missing, also before a feature first appears", () => {
    const f = p.features.late;
    expect(f.missing).toBe(100);
    expect(f.count).toBe(2900);
    expect(f.bins).toEqual({ kind: "values", values: [0, 1, 2, 3, 4, 5, 6] });
    const q = build([{ features: { a: 1 } }, { features: {} }, { features: { a: NaN } }, { features: { a: Infinity } }, { features: { a: { x: 1 } } }]);
    expect(q.features.a).toMatchObject({ count: 1, missing: 4 });
  });

  it("empty features: declared but never given, or only null", () => {
    const q = build([{ features: { b: null } }], { a: "numerical" });
    expect(q.features.a).toMatchObject({ type: "numerical", count: 0, missing: 1, bins: { kind: "values", values: [] }, counts: [], moments: null, binary: false });
    expect(q.features.b).toMatchObject({ type: "categorical", count: 0, missing: 1, counts: [] });
    expect(q.prediction).toBeNull();
  });

  it("prediction: categorical for classification, numerical for regression", () => {
    expect(p.prediction).toMatchObject({ name: "prediction", type: "categorical", binary: true, count: 3000, counts: [750, 2250] });
    const preds = Array.from({ length: 500 }, (_, i) => Math.sin(i) * 10);
    const q = build(preds.map((y) => ({ features: {}, prediction: y })), {}, "regression");
    expect(q.prediction?.type).toBe("numerical");
    expect(q.prediction?.bins).toEqual(freezeBins(preds, "numerical"));
    expect(q.prediction?.counts).toEqual(countIntoBins(freezeBins(preds, "numerical"), preds).counts);
  });

  it("is plain JSON (no Map, typed array, NaN or Infinity)", () => {
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
    expect(Array.isArray(p.features.amount.sample)).toBe(true);
  });

  it("caps categorical bins, pooling the rare categories into an OTHER_VALUE bin", () => {
    const vals = Array.from({ length: 5000 }, (_, i) => (i < 2000 ? `c${i % 10}` : `id${i}`));
    const q = build(vals.map((v) => ({ features: { id: v } })));
    const f = q.features.id;
    expect(f.bins.kind === "values" && f.bins.values.length).toBe(MAX_CATEGORY_BINS);
    expect(f.bins.kind === "values" && f.bins.values.includes(OTHER_VALUE)).toBe(true);
    expect(f.counts.reduce((a, b) => a + b, 0)).toBe(5000);
    expect(f.top?.length).toBe(TOP_MAX);
    expect(f.top?.[0]).toEqual({ value: "c0", count: 200 });
    expect(f.binary).toBe(false);
  });
});

describe("sample", () => {
  it("holds every value when there are fewer than SAMPLE_MAX, in stream order", () => {
    const p = build(rows);
    expect(p.features.amount.sample).toEqual(amounts.filter((a) => a !== null));
    expect(p.features.amount.sampled).toBe(false);
  });

  it("is a seeded reservoir of SAMPLE_MAX values: deterministic per seed, drawn from the values", () => {
    const n = SAMPLE_MAX + 50_000;
    const make = (seed: number) => {
      const b = createProfileBuilder({ featureTypes: { x: "numerical" }, task: "regression", seed });
      for (let i = 0; i < n; i++) b.add({ features: { x: i } });
      return b.finish().features.x;
    };
    const a = make(1);
    const again = make(1);
    const other = make(2);
    expect(a.sample.length).toBe(SAMPLE_MAX);
    expect(a.sampled).toBe(true);
    expect(a.count).toBe(n);
    expect(again.sample).toEqual(a.sample);
    expect(other.sample).not.toEqual(a.sample);
    const s = a.sample as number[];
    expect(new Set(s).size).toBe(SAMPLE_MAX);
    expect(s.every((v) => Number.isInteger(v) && v >= 0 && v < n)).toBe(true);
    // uniform: about a third of the sample comes from the last third of the stream (± 4 σ)
    const late = s.filter((v) => v >= (2 * n) / 3).length / SAMPLE_MAX;
    expect(Math.abs(late - 1 / 3)).toBeLessThan(4 * Math.sqrt((1 / 3) * (2 / 3) / SAMPLE_MAX) * Math.sqrt(1 / 3));
  });

  it("includes each item with probability k/n (Algorithm L)", () => {
    const n = 200;
    const k = 20;
    const hits = new Array<number>(n).fill(0);
    const trials = 4000;
    for (let seed = 0; seed < trials; seed++) {
      const r = createReservoir<number>(k, seed);
      for (let i = 0; i < n; i++) r.offer(i);
      for (const v of r.items()) hits[v]++;
    }
    // per-decile inclusion rate ≈ k/n = 0.1 (each decile: 20 items × 4000 trials, σ ≈ 0.0015)
    for (let d = 0; d < 10; d++) {
      const rate = hits.slice(d * 20, d * 20 + 20).reduce((a, b) => a + b, 0) / (20 * trials);
      expect(Math.abs(rate - 0.1)).toBeLessThan(0.006);
    }
  });

  it("numbers held as doubles: the same sample as the generic reservoir, for the same seed and stream", () => {
    const rng = createRandom(5);
    const values = Array.from({ length: 3_000 }, (_, i) => (i % 7 === 0 ? -0 : rng.normal() * 1e3));
    for (const seed of [1, 2, 3]) {
      const generic = createReservoir<number>(500, seed);
      const doubles = createNumberReservoir(500, seed);
      for (const v of values) {
        generic.offer(v);
        doubles.offer(v);
      }
      expect(doubles.items()).toEqual(generic.items());
      expect(doubles.seen()).toBe(3_000);
    }
  });

  it("samples() lists, once the rows are in, the samples finish() puts in the profile, in its order", () => {
    const b = createProfileBuilder({ featureTypes: { amount: "numerical", never: "numerical", country: "categorical" }, task: "regression" });
    for (let i = 0; i < 2_000; i++) b.add({ features: { amount: i / 10, country: ["de", "fr"][i % 2], late: i > 1_000 ? "x" : null }, prediction: i % 3 });
    const samples = b.samples();
    const p = b.finish();
    expect(samples).toEqual([
      ...Object.entries(p.features).map(([name, f]) => ({ name, values: f.sample })),
      { name: PREDICTION_KEY, values: p.prediction!.sample },
    ]);
  });

  it("marks profiles frozen at the quantile bins (issue #14); decile profiles (the bench's --bins deciles) are unmarked", () => {
    const r = createRandom(5);
    const xs = Array.from({ length: 500 }, () => r.normal());
    const build = (binQuantiles?: readonly number[]) => {
      const b = createProfileBuilder({ featureTypes: { x: "numerical" }, task: "regression", ...(binQuantiles ? { binQuantiles } : {}) });
      for (const x of xs) b.add({ features: { x }, prediction: x });
      return b.finish();
    };
    const now = build();
    expect(now.binScheme).toBe(BIN_SCHEME);
    expect(now.features.x.bins).toEqual(freezeBins(xs, "numerical", REFERENCE_QUANTILES));
    expect(now.prediction?.bins).toEqual(freezeBins(xs, "numerical", REFERENCE_QUANTILES));
    const old = build(DECILES);
    expect(old.binScheme).toBeUndefined();
    expect(old.features.x.bins).toEqual(freezeBins(xs, "numerical", DECILES));
  });
});
