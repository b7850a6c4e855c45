// BH adjusted p-values against scipy.stats.false_discovery_control(method='bh') (fixtures: scripts/gen_stats_fixtures.py).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import fx from "./__fixtures__/bh.json";
import { benjaminiHochberg } from "./benjaminiHochberg";
import { expectClose } from "./testUtils";

describe("benjaminiHochberg", () => {
  fx.cases.forEach((c, i) => {
    it(`case ${i} (${c.p.length} p-values)`, () => {
      const adj = benjaminiHochberg(c.p);
      c.adjusted.forEach((a, j) => expectClose(adj[j], a, `adjusted[${j}]`));
    });
  });
  it("throws on empty input and p outside [0, 1]", () => {
    expect(() => benjaminiHochberg([])).toThrow(RangeError);
    expect(() => benjaminiHochberg([0.1, 1.2])).toThrow(RangeError);
  });
  it("property: never rejects more at a smaller q", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 40 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (ps, q1, q2) => {
          const [lo, hi] = q1 <= q2 ? [q1, q2] : [q2, q1];
          const adj = benjaminiHochberg(ps);
          const rej = (q: number) => adj.map((a) => a <= q);
          const rLo = rej(lo);
          const rHi = rej(hi);
          // every hypothesis rejected at the smaller q is rejected at the larger q
          return rLo.every((r, i) => !r || rHi[i]) && rLo.filter(Boolean).length <= rHi.filter(Boolean).length;
        },
      ),
      { numRuns: 500, seed: 42 },
    );
  });
  it("property: equals the step-up rule p(i) ≤ q·i/m", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 30 }), fc.double({ min: 0.001, max: 0.5, noNaN: true }), (ps, q) => {
        const m = ps.length;
        const sorted = [...ps].sort((a, b) => a - b);
        let k = 0;
        sorted.forEach((p, i) => {
          if (p <= (q * (i + 1)) / m) k = i + 1;
        });
        const adj = benjaminiHochberg(ps);
        const nRej = adj.filter((a) => a <= q * (1 + 1e-12)).length;
        const nRejStrict = adj.filter((a) => a <= q * (1 - 1e-12)).length;
        return nRejStrict <= k && k <= nRej;
      }),
      { numRuns: 500, seed: 7 },
    );
  });
});
