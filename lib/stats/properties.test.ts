// Property tests (fast-check, fixed seeds) required by issue #3.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chi2Homogeneity } from "./chi2Homogeneity";
import { alignCounts, countIntoBins, mergeBinCounts } from "./countIntoBins";
import { freezeBins, freezeCategoricalBins } from "./freezeBins";
import { hellinger } from "./hellinger";
import { jsDistance } from "./jsDistance";
import { ks2samp } from "./ks2samp";
import { psi } from "./psi";
import { sortFloat64 } from "./sortFloat64";

const counts = fc.array(fc.nat({ max: 1000 }), { minLength: 1, maxLength: 30 }).filter((xs) => xs.some((x) => x > 0));
const pairOfCounts = fc
  .tuple(fc.integer({ min: 1, max: 30 }), fc.nat())
  .chain(([k]) => fc.tuple(fc.array(fc.nat({ max: 1000 }), { minLength: k, maxLength: k }), fc.array(fc.nat({ max: 1000 }), { minLength: k, maxLength: k })))
  .filter(([a, b]) => a.some((x) => x > 0) && b.some((x) => x > 0));
const sample = fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 300 });
const opts = { numRuns: 300, seed: 3 };

describe("properties", () => {
  it("identical samples: PSI = JS = Hellinger = 0, chi2 p = 1 (count vectors)", () => {
    fc.assert(
      fc.property(counts, fc.integer({ min: 1, max: 5 }), (c, k) => {
        const scaled = c.map((x) => x * k); // same proportions, different n
        expect(psi(c, c)).toBe(0);
        expect(jsDistance(c, c)).toBe(0);
        expect(hellinger(c, c)).toBe(0);
        expect(chi2Homogeneity(c, c).pValue).toBe(1);
        expect(psi(c, scaled)).toBeLessThan(1e-15);
        expect(chi2Homogeneity(c, scaled).pValue).toBeCloseTo(1, 12);
      }),
      opts,
    );
  });
  it("identical raw samples: KS D = 0 and p = 1; PSI = JS = 0 and chi2 p = 1 on frozen bins", () => {
    fc.assert(
      fc.property(sample, (xs) => {
        const ks = ks2samp(xs, [...xs].reverse());
        expect(ks.statistic).toBe(0);
        expect(ks.pValue).toBe(1);
        const bins = freezeBins(xs, "numerical");
        const a = alignCounts(bins, countIntoBins(bins, xs), countIntoBins(bins, xs));
        expect(psi(a.ref, a.cur)).toBe(0);
        expect(jsDistance(a.ref, a.cur)).toBe(0);
        expect(chi2Homogeneity(a.ref, a.cur).pValue).toBe(1);
      }),
      opts,
    );
  });
  it("JS ∈ [0, 1], PSI ≥ 0, Hellinger ∈ [0, 1], chi2 p ∈ [0, 1]", () => {
    fc.assert(
      fc.property(pairOfCounts, ([a, b]) => {
        const js = jsDistance(a, b);
        const h = hellinger(a, b);
        const p = chi2Homogeneity(a, b).pValue;
        return js >= 0 && js <= 1 && psi(a, b) >= 0 && h >= 0 && h <= 1 + 1e-15 && p >= 0 && p <= 1;
      }),
      opts,
    );
  });
  it("numeric bin counts merged from any split equal the counts of the whole", () => {
    fc.assert(
      fc.property(
        sample,
        fc.array(fc.oneof(fc.double({ noNaN: false }), fc.constant(null)), { maxLength: 300 }),
        fc.nat(),
        (ref, xs, cut) => {
          const bins = freezeBins(ref, "numerical");
          const k = xs.length === 0 ? 0 : cut % (xs.length + 1);
          const merged = mergeBinCounts(countIntoBins(bins, xs.slice(0, k)), countIntoBins(bins, xs.slice(k)));
          const whole = countIntoBins(bins, xs);
          expect(merged.counts).toEqual(whole.counts);
          expect(merged.missing).toBe(whole.missing);
          expect(merged.unseen ?? new Map()).toEqual(whole.unseen ?? new Map());
          // every value is either in a bin, unseen or missing
          const inBins = whole.counts.reduce((s, c) => s + c, 0) + [...(whole.unseen ?? new Map<string, number>()).values()].reduce((s, c) => s + c, 0);
          expect(inBins + whole.missing).toBe(xs.length);
        },
      ),
      opts,
    );
  });
  it("categorical bin counts merged from any split equal the counts of the whole", () => {
    const cat = fc.oneof(fc.constantFrom("a", "b", "c", "d"), fc.boolean(), fc.integer({ min: 0, max: 3 }), fc.constant(null));
    fc.assert(
      fc.property(fc.array(cat, { minLength: 1, maxLength: 50 }).filter((r) => r.some((v) => v !== null)), fc.array(cat, { maxLength: 200 }), fc.nat(), (ref, xs, cut) => {
        const bins = freezeCategoricalBins(ref);
        const k = cut % (xs.length + 1);
        const merged = mergeBinCounts(countIntoBins(bins, xs.slice(0, k)), countIntoBins(bins, xs.slice(k)));
        const whole = countIntoBins(bins, xs);
        expect(merged.counts).toEqual(whole.counts);
        expect(merged.missing).toBe(whole.missing);
        expect(new Map([...(merged.unseen ?? [])].sort())).toEqual(new Map([...(whole.unseen ?? [])].sort()));
      }),
      opts,
    );
  });
});

describe("sortFloat64 (radix sort used by KS and Wasserstein)", () => {
  it("sorts like Float64Array.prototype.sort, including ±0, ±Infinity, subnormals and ties", () => {
    const special = fc.constantFrom(0, -0, Infinity, -Infinity, 5e-324, -5e-324, 1, -1);
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.double({ noNaN: true }), special), { minLength: 4096, maxLength: 6000 }), (xs) => {
        const expected = Float64Array.from(xs).sort();
        const got = sortFloat64(Float64Array.from(xs));
        for (let i = 0; i < xs.length; i++) if (!Object.is(got[i], expected[i])) return false;
        return true;
      }),
      { numRuns: 30, seed: 11 },
    );
  });
});
