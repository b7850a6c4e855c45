// Distribution functions against scipy 1.17 (lib/stats/__fixtures__/distributions.json,
// written by scripts/gen_stats_fixtures.py from scipy.stats.chi2.sf / norm.sf / kstwo.sf, scipy.special.smirnov).
import { describe, expect, it } from "vitest";
import fx from "./__fixtures__/distributions.json";
import { chiSquareSf } from "./distributions/chiSquareSf";
import { outerProbInsideMethod, probOutsideSquare } from "./distributions/ks2sampExact";
import { kstwoSf, smirnovSf } from "./distributions/kolmogorov";
import { normalCdf, normalSf } from "./distributions/normal";
import { expectClose } from "./testUtils";

describe("chiSquareSf = scipy.stats.chi2.sf", () => {
  it(`matches on ${fx.chi2.length} points (dof 1…4999, p down to 1e-300)`, () => {
    expect(fx.chi2.length).toBeGreaterThan(100);
    for (const { x, dof, sf } of fx.chi2) expectClose(chiSquareSf(x, dof), sf, `chi2.sf(${x}, ${dof})`);
  });
  it("handles the ends and rejects bad dof", () => {
    expect(chiSquareSf(0, 3)).toBe(1);
    expect(chiSquareSf(Infinity, 3)).toBe(0);
    expect(() => chiSquareSf(1, 0)).toThrow(RangeError);
    expect(() => chiSquareSf(NaN, 1)).toThrow(RangeError);
  });
});

describe("normalSf = scipy.stats.norm.sf", () => {
  it(`matches on ${fx.norm.length} points (z from −6 to 37)`, () => {
    for (const { z, sf } of fx.norm) expectClose(normalSf(z), sf, `norm.sf(${z})`);
  });
  it("normalCdf is 1 − sf", () => {
    for (const { z, sf } of fx.norm) if (z < 5) expectClose(1 - normalCdf(z), sf, `1 - cdf(${z})`);
  });
});

describe("kstwoSf = scipy.stats.kstwo.sf (all of scipy's algorithm branches)", () => {
  it(`matches on ${fx.kstwo.length} (n, x) points, n = 1 … 500,000`, () => {
    for (const { n, x, sf } of fx.kstwo) expectClose(kstwoSf(x, n), sf, `kstwo.sf(${x}, ${n})`);
  });
  it("smirnovSf = scipy.special.smirnov", () => {
    for (const { n, x, sf } of fx.smirnov) expectClose(smirnovSf(n, x), sf, `smirnov(${n}, ${x})`);
  });
  it("rejects a non-integer n", () => {
    expect(() => kstwoSf(0.1, 2.5)).toThrow(RangeError);
  });
});

describe("exact two-sample KS kernels", () => {
  it("small cases agree with path counting by brute force", () => {
    // P(D ≥ h/lcm) by enumerating all C(m+n, n) orderings for m = 4, n = 3
    const m = 4;
    const n = 3;
    const all: number[][] = [];
    const rec = (seq: number[], a: number, b: number) => {
      if (a === m && b === n) return void all.push(seq);
      if (a < m) rec([...seq, 0], a + 1, b);
      if (b < n) rec([...seq, 1], a, b + 1);
    };
    rec([], 0, 0);
    const lcm = 12;
    for (let h = 1; h <= lcm; h++) {
      let count = 0;
      for (const seq of all) {
        let a = 0;
        let b = 0;
        let dmax = 0;
        for (const s of seq) {
          if (s === 0) a++;
          else b++;
          dmax = Math.max(dmax, Math.abs(a * 3 - b * 4)); // |a/m − b/n|·lcm
        }
        if (dmax >= h) count++;
      }
      expectClose(outerProbInsideMethod(m, n, 1, h), count / all.length, `h=${h}`);
    }
    // equal sizes: P(D_{3,3} ≥ 1) = 1
    expect(probOutsideSquare(3, 1)).toBeCloseTo(1, 12);
  });
});
