import { describe, expect, it } from "vitest";
import { cellOf, driftedWindows, FLAG, heatmapData, methodRatio, pRatio, sortRows, type DriftSeries } from "@/components/drift/model";
import { rgbOf } from "@/components/drift/scale";
import type { FeatureDrift } from "@/lib/drift/computeDrift";
import { parseDriftView } from "@/app/(dashboard)/models/[model]/drift/searchParams";

const feature = (name: string, over: Partial<FeatureDrift> = {}): FeatureDrift => ({
  feature: name,
  type: "numerical",
  count: 500,
  missing: 0,
  results: [],
  drifted: false,
  decidedBy: "default",
  score: 0.01,
  scoreMethod: "psi",
  scoreThreshold: 0.02,
  pValue: 0.5,
  pValueMethod: "chi2",
  ...over,
});

const win = (start: number, features: FeatureDrift[]) => ({
  start: new Date(start * 3_600_000).toISOString(),
  end: new Date((start + 1) * 3_600_000).toISOString(),
  features,
  prediction: null,
  driftedCount: features.filter((f) => f.drifted === true).length,
  driftedShare: features.filter((f) => f.drifted === true).length / Math.max(1, features.filter((f) => f.drifted !== "insufficient_data").length),
  tested: features.filter((f) => f.drifted !== "insufficient_data").length,
  datasetDrift: false as const,
});

describe("drift heatmap mappers", () => {
  it("puts every method on one scale: 1 at the threshold, p-values by log p ÷ log threshold", () => {
    expect(methodRatio({ method: "psi", statistic: 0.2, threshold: 0.1, drifted: true })).toBeCloseTo(2);
    expect(methodRatio({ method: "chi2", statistic: 9, pValue: 0.05, threshold: 0.05, drifted: false })).toBeCloseTo(1);
    expect(pRatio(0.0025, 0.05)).toBeCloseTo(2);
    expect(pRatio(1, 0.05)).toBe(0);
    expect(methodRatio({ method: "ks", statistic: null, threshold: 0.05, drifted: false, skipped: true, detail: "no raw values" })).toBeNull();
  });

  it("colours the default verdict by the weaker of its two conditions, so the colour agrees with the mark", () => {
    // a large PSI on a small sample whose test is not significant: below 1, not drifted
    const noisy = cellOf(feature("x", { score: 0.08, pValue: 0.3 }), "verdict");
    expect(noisy.ratio).toBeLessThan(1);
    expect(noisy.flag).toBe(FLAG.ok);
    const drifted = cellOf(feature("x", { score: 0.08, pValue: 1e-6, drifted: true }), "verdict");
    expect(drifted.ratio).toBeCloseTo(Math.min(4, Math.log(1e-6) / Math.log(0.05)));
    expect(drifted.flag).toBe(FLAG.drifted);
    const thin = cellOf(feature("x", { drifted: "insufficient_data", count: 20, reason: "fewer than 200 values" }), "verdict");
    expect(thin).toMatchObject({ ratio: null, flag: FLAG.insufficient, reason: "fewer than 200 values" });
    expect(cellOf(feature("x", { drifted: "insufficient_data", count: 0 }), "verdict").flag).toBe(FLAG.none);
  });

  it("opens on the window with the largest share of drifted features and sorts rows five ways", () => {
    const series: DriftSeries = {
      features: [
        { name: "b", type: "numerical", importance: 0.2 },
        { name: "a", type: "numerical", importance: 0.9 },
      ],
      windows: [
        win(0, [feature("b"), feature("a")]),
        win(1, [feature("b", { drifted: true, score: 0.1, pValue: 1e-9 }), feature("a", { drifted: true, score: 0.05, pValue: 1e-4 })]),
        win(2, [feature("b", { drifted: true, score: 0.1, pValue: 1e-9 }), feature("a")]),
      ],
    };
    const data = heatmapData(series, "verdict");
    expect(data.worst).toBe(1);
    expect(data.rows.map((r) => r.name)).toEqual(["b", "a"]);
    expect(sortRows(data.rows, "name").map((r) => r.name)).toEqual(["a", "b"]);
    expect(sortRows(data.rows, "importance").map((r) => r.name)).toEqual(["a", "b"]);
    expect(sortRows(data.rows, "drifted").map((r) => r.name)).toEqual(["b", "a"]);
    expect(driftedWindows(data.rows[0])).toBe(2);
    expect(sortRows(data.rows, "current").map((r) => r.name)).toEqual(["b", "a"]);
    expect(sortRows(data.rows, "worst").map((r) => r.name)).toEqual(["b", "a"]);
  });

  it("uses a sequential scale that only gets lighter (cividis)", () => {
    const lum = (x: number) => rgbOf(x).reduce((s, c) => s + c, 0);
    for (let x = 0; x < 2; x += 0.1) expect(lum(x + 0.1)).toBeGreaterThan(lum(x));
  });

  it("parses the page's URL state with defaults for anything unknown", () => {
    expect(parseDriftView({})).toMatchObject({ method: "verdict", step: "1h", cols: 48, sort: "current", cell: null, to: null });
    expect(parseDriftView({ method: "bogus", step: "7m", cols: "13", sort: "x" })).toMatchObject({ method: "verdict", step: "1h", cols: 48, sort: "current" });
    const v = parseDriftView({ method: "ks", step: "6h", cols: "168", cell: "a@b@2026-12-01T10:00:00.000Z" });
    expect(v).toMatchObject({ method: "ks", step: "6h", cols: 168 });
    expect(v.cell).toEqual({ feature: "a@b", start: new Date("2026-12-01T10:00:00.000Z") });
  });
});
