import { describe, expect, it } from "vitest";
import { adInfCdf, adInfSf, andersonDarlingBinned } from "./andersonDarling";
import { createRandom } from "./random";

describe("Anderson–Darling", () => {
  it("limiting distribution: the classical percentage points (Anderson & Darling 1954; Marsaglia & Marsaglia 2004)", () => {
    // P(A² > z) at the tabulated 10 %, 5 %, 2.5 % and 1 % critical values of the limiting distribution
    for (const [z, p] of [[1.933, 0.1], [2.492, 0.05], [3.070, 0.025], [3.857, 0.01]] as const) {
      expect(Math.abs(adInfSf(z) - p)).toBeLessThan(5e-4);
    }
    expect(adInfCdf(0)).toBe(0);
    expect(adInfSf(0)).toBe(1);
    // far tail: positive and decreasing (a p-value of 0 would read as "p < 1e-300"), ~ √3·erfc(√z)
    expect(adInfSf(100)).toBeGreaterThan(0);
    expect(adInfSf(100)).toBeLessThan(1e-40);
    expect(adInfSf(300)).toBeGreaterThan(0);
    for (let z = 0.5; z < 600; z += 0.5) expect(adInfSf(z + 0.5)).toBeLessThan(adInfSf(z));
    expect(Math.abs(adInfSf(7 + 1e-9) / adInfSf(7 - 1e-9) - 1)).toBeLessThan(1e-6);
    // continuous at the two branches' seam
    expect(Math.abs(adInfCdf(2 - 1e-9) - adInfCdf(2))).toBeLessThan(1e-5);
  });

  it("binned: identical proportions give 0; a shift of mass to one tail gives a small p; counts are validated", () => {
    expect(andersonDarlingBinned([10, 20, 30, 40], [20, 40, 60, 80]).statistic).toBe(0);
    expect(andersonDarlingBinned([10, 20, 30, 40], [40, 30, 20, 10]).pValue).toBeLessThan(0.001);
    expect(() => andersonDarlingBinned([1, 2], [1])).toThrow(RangeError);
    expect(() => andersonDarlingBinned([0, 0], [1, 2])).toThrow(RangeError);
    expect(() => andersonDarlingBinned([1, -1], [1, 2])).toThrow(RangeError);
  });

  it("binned p-values are not anti-conservative under no drift (2,000 seeded 18-bin tables)", () => {
    const rng = createRandom(14);
    const probs = [0.005, 0.005, 0.015, 0.025, 0.05, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.05, 0.025, 0.015, 0.005, 0.005];
    const draw = (n: number) => {
      const c = new Array(probs.length).fill(0);
      for (let i = 0; i < n; i++) {
        let u = rng.uniform();
        let j = 0;
        while (j < probs.length - 1 && u >= probs[j]) u -= probs[j++];
        c[j]++;
      }
      return c;
    };
    let rejected = 0;
    const runs = 2000;
    for (let k = 0; k < runs; k++) if (andersonDarlingBinned(draw(2000), draw(500)).pValue < 0.05) rejected++;
    expect(rejected / runs).toBeLessThan(0.06);
    expect(rejected / runs).toBeGreaterThan(0.02);
  });
});
