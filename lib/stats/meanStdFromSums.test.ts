import { describe, expect, it } from "vitest";
import { meanStdFromSums } from "./meanStdFromSums";
import { moments, momentsVariance } from "./moments";

describe("meanStdFromSums", () => {
  it("gives the mean and population standard deviation of the summed values", () => {
    const xs = [3, 1.5, 8, -2, 4.25, 4.25];
    const m = moments(xs);
    const r = meanStdFromSums(xs.length, xs.reduce((a, b) => a + b, 0), xs.reduce((a, b) => a + b * b, 0));
    expect(r.mean).toBeCloseTo(m.mean, 12);
    expect(r.std).toBeCloseTo(Math.sqrt(momentsVariance(m, 0)), 12);
  });

  it("never returns NaN when rounding leaves the variance a hair below zero", () => {
    const x = 0.1 + 0.2;
    const n = 3;
    expect(meanStdFromSums(n, x * n, x * x * n - 1e-17)).toEqual({ mean: x, std: 0 });
  });

  it("refuses an empty sample", () => {
    expect(() => meanStdFromSums(0, 0, 0)).toThrow(RangeError);
  });
});
