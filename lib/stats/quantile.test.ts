// Type-7 quantiles against numpy.quantile (default method 'linear'); fixtures from scripts/gen_stats_fixtures.py.
import { describe, expect, it } from "vitest";
import fx from "./__fixtures__/quantiles.json";
import { DECILES } from "./bins";
import { quantile, quantileSorted } from "./quantile";

describe("quantile / quantileSorted (type 7)", () => {
  for (const c of fx.cases) {
    it(`${c.name}: bit-identical to np.quantile`, () => {
      expect(quantile(c.values, c.p)).toEqual(c.expected);
      const sorted = [...c.values].sort((a, b) => a - b);
      expect(c.p.map((p) => quantileSorted(sorted, p))).toEqual(c.expected);
      expect(quantile(c.values, DECILES)).toEqual(c.deciles);
    });
  }
  it("throws on empty input, NaN and p outside [0, 1]", () => {
    expect(() => quantile([], 0.5)).toThrow(RangeError);
    expect(() => quantileSorted([], 0.5)).toThrow(RangeError);
    expect(() => quantile([1, NaN], 0.5)).toThrow(RangeError);
    expect(() => quantile([1, 2], 1.5)).toThrow(RangeError);
    expect(() => quantile([1, 2], -0.1)).toThrow(RangeError);
  });
  it("doc examples", () => {
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([3, 1, 2, 4], 0.25)).toBe(1.75);
    expect(quantile([3, 1, 2, 4], [0.25, 0.75])).toEqual([1.75, 3.25]);
  });
});
