// Bins, counting and moments: hand-checked examples (edges from numpy.quantile type 7; see drift.test.ts for
// the scipy-generated cases).
import { describe, expect, it } from "vitest";
import { cleanNumeric } from "./cleanNumeric";
import { alignCounts, countIntoBins, numericBinIndex } from "./countIntoBins";
import { DECILES, REFERENCE_QUANTILES } from "./bins";
import { freezeBins, freezeCategoricalBins } from "./freezeBins";
import { mergeMoments, moments, momentsVariance } from "./moments";

describe("freezeBins / countIntoBins", () => {
  it("201 distinct values → the deciles and the tail quantiles 0.5, 1, 2.5, 5, 95, 97.5, 99, 99.5 % (np.quantile type 7)", () => {
    const ref = Array.from({ length: 201 }, (_, i) => i);
    expect(freezeBins(ref, "numerical")).toEqual({ kind: "numeric", edges: [1, 2, 5, 10, 20, 40, 60, 80, 100, 120, 140, 160, 180, 190, 195, 198, 199] });
    expect(REFERENCE_QUANTILES).toHaveLength(17);
  });
  it("21 distinct values, decile quantiles → decile edges (np.quantile(range(21), 0.1…0.9) = 2, 4, …, 18), right-closed", () => {
    const ref = Array.from({ length: 21 }, (_, i) => i);
    const bins = freezeBins(ref, "numerical", DECILES);
    expect(bins).toEqual({ kind: "numeric", edges: [2, 4, 6, 8, 10, 12, 14, 16, 18] });
    // 2 is in (−∞, 2]; 2.0001 in (2, 4]; 19 in (18, ∞)
    expect(countIntoBins(bins, [2, 2.0001, 19, -5, NaN, null, Infinity]).counts).toEqual([2, 1, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(countIntoBins(bins, [NaN, null, Infinity, -Infinity, undefined]).missing).toBe(5);
    expect(numericBinIndex([2, 4], 4)).toBe(1);
  });
  it("20 distinct values → one bin per value; unseen values are aligned as extra bins", () => {
    const ref = Array.from({ length: 20 }, (_, i) => i % 20);
    const bins = freezeBins(ref, "numerical");
    expect(bins.kind).toBe("values");
    const cur = countIntoBins(bins, [0, 0, 25, 25, -1]);
    expect(cur.unseen).toEqual(new Map([["25", 2], ["-1", 1]]));
    const a = alignCounts(bins, countIntoBins(bins, ref), cur);
    expect(a.labels.slice(-2)).toEqual([-1, 25]);
    expect(a.cur.slice(-2)).toEqual([1, 2]);
    expect(a.ref.slice(-2)).toEqual([0, 0]);
  });
  it("tied deciles collapse into fewer edges", () => {
    const ref = [...new Array(80).fill(0), ...Array.from({ length: 30 }, (_, i) => i + 1)];
    const bins = freezeBins(ref, "numerical");
    expect(bins.kind === "numeric" && bins.edges[0]).toBe(0);
    expect(bins.kind === "numeric" && new Set(bins.edges).size).toBe(bins.kind === "numeric" ? bins.edges.length : -1);
  });
  it("categorical keys: booleans as 'true'/'false', numbers as strings, null missing", () => {
    const bins = freezeCategoricalBins([true, false, "x", 3, null]);
    expect(bins.values).toEqual(["3", "false", "true", "x"]);
    const c = countIntoBins(bins, [true, "true", 3, "3", "new", undefined]);
    expect(c.counts).toEqual([2, 0, 2, 0]);
    expect(c.unseen).toEqual(new Map([["new", 1]]));
    expect(c.missing).toBe(1);
  });
  it("empty or all-missing references throw", () => {
    expect(() => freezeBins([], "numerical")).toThrow(RangeError);
    expect(() => freezeBins([NaN, null], "numerical")).toThrow(RangeError);
    expect(() => freezeCategoricalBins([null])).toThrow(RangeError);
  });
});

describe("cleanNumeric and moments", () => {
  it("cleanNumeric drops null, NaN, ±Infinity and counts them", () => {
    const c = cleanNumeric([1, null, NaN, 2, Infinity, undefined, -Infinity]);
    expect(Array.from(c.values)).toEqual([1, 2]);
    expect(c.missing).toBe(5);
  });
  it("moments merge exactly like the whole sample (mean 2.5, M2 5, population variance 1.25)", () => {
    const all = moments([1, 2, 3, 4]);
    expect(all).toEqual({ count: 4, mean: 2.5, m2: 5, min: 1, max: 4, sum: 10 });
    const merged = mergeMoments(moments([1, 2]), moments([3, 4, NaN]));
    expect(merged).toEqual(all);
    expect(momentsVariance(all, 0)).toBe(1.25);
    expect(momentsVariance(all, 1)).toBeCloseTo(5 / 3, 15);
    expect(() => moments([NaN])).toThrow(RangeError);
  });
});
