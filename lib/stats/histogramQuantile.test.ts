// histogram_quantile parity. Expected values derived by hand from Prometheus' promql/quantile.go
// (bucketQuantile: rank = q·total, linear interpolation inside the bucket, the rules cited per case).
import { describe, expect, it } from "vitest";
import { histogramQuantile } from "./histogramQuantile";

const b = (pairs: [number, number][]) => pairs.map(([le, count]) => ({ le, count }));

describe("histogramQuantile (PromQL histogram_quantile)", () => {
  const h = b([[0.1, 10], [0.5, 30], [1, 90], [Infinity, 100]]);
  it("interpolates linearly inside the bucket", () => {
    // q = 0.5: rank 50, bucket (0.5, 1] holds 60 with 20 below: 0.5 + 0.5·(20/60)
    expect(histogramQuantile(0.5, h)).toBeCloseTo(0.5 + 0.5 * (20 / 60), 15);
    // q = 0.2: rank 20 in (0.1, 0.5]: 0.1 + 0.4·(10/20)
    expect(histogramQuantile(0.2, h)).toBe(0.1 + 0.4 * (10 / 20));
  });
  it("lowest bucket starts at 0 when its upper bound is > 0", () => {
    // q = 0.05: rank 5 in (0, 0.1]: 0.1·(5/10)
    expect(histogramQuantile(0.05, h)).toBe(0.05);
  });
  it("returns the lowest upper bound when it is ≤ 0", () => {
    expect(histogramQuantile(0.05, b([[-1, 10], [0, 20], [Infinity, 20]]))).toBe(-1);
  });
  it("in the +Inf bucket returns the second-highest upper bound", () => {
    expect(histogramQuantile(0.99, h)).toBe(1); // rank 99 > 90
  });
  it("q = 0 and q = 1", () => {
    expect(histogramQuantile(0, h)).toBe(0); // first bucket with count ≥ 0 is the first: 0 + 0.1·0
    expect(histogramQuantile(1, h)).toBe(1); // rank 100 first reached in +Inf bucket
  });
  it("special cases: no +Inf bucket, no observations, < 2 buckets, q out of range, NaN", () => {
    expect(histogramQuantile(0.5, b([[1, 5], [2, 10]]))).toBeNaN();
    expect(histogramQuantile(0.5, b([[1, 0], [Infinity, 0]]))).toBeNaN();
    expect(histogramQuantile(0.5, b([[Infinity, 10]]))).toBeNaN();
    expect(histogramQuantile(-0.1, h)).toBe(-Infinity);
    expect(histogramQuantile(1.1, h)).toBe(Infinity);
    expect(histogramQuantile(NaN, h)).toBeNaN();
    expect(() => histogramQuantile(0.5, [])).toThrow(RangeError);
  });
  it("sorts buckets and merges equal upper bounds", () => {
    const shuffled = b([[Infinity, 100], [0.5, 30], [1, 90], [0.1, 10]]);
    expect(histogramQuantile(0.5, shuffled)).toBe(histogramQuantile(0.5, h));
    // two series with the same le (e.g. before `sum by (le)`) add up
    const dup = b([[1, 5], [1, 5], [Infinity, 20]]);
    expect(histogramQuantile(0.25, dup)).toBe(0.5); // rank 5 of 10 in (0, 1]
  });
  it("forces monotonicity and ignores tiny float deltas", () => {
    // count drops from 30 to 25 at le=1: treated as 30, so q=0.5 (rank 50) falls in +Inf → 1
    expect(histogramQuantile(0.5, b([[0.5, 30], [1, 25], [Infinity, 100]]))).toBe(1);
    // 1e-13 relative noise between equal buckets is ignored
    const noisy = b([[1, 50], [2, 50 * (1 + 1e-13)], [3, 100], [Infinity, 100]]);
    expect(histogramQuantile(0.75, noisy)).toBe(2.5); // bucket (2, 3]: 25 of 50
  });
});
