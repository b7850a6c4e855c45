// Every drift method against scipy 1.17 / numpy 2.4, on the cases written by
// scripts/gen_stats_fixtures.py (expected values computed there; see its docstring for sources).
import { describe, expect, it } from "vitest";
import fixtures from "./__fixtures__/drift_cases.json";
import { alignCounts, countIntoBins } from "./countIntoBins";
import { chi2Homogeneity } from "./chi2Homogeneity";
import { cleanNumeric } from "./cleanNumeric";
import { evidentlyDrift } from "./evidently";
import { freezeBins, freezeCategoricalBins } from "./freezeBins";
import { andersonDarlingBinned } from "./andersonDarling";
import { hellinger } from "./hellinger";
import { jsDistance } from "./jsDistance";
import { ks2samp } from "./ks2samp";
import { psi } from "./psi";
import { decodeNumber, expectClose } from "./testUtils";
import { twoProportionZTest } from "./twoProportionZTest";
import { wassersteinNormed } from "./wasserstein";

type Expected = {
  refN: number;
  curN: number;
  refMissing: number;
  curMissing: number;
  bins: { kind: "numeric"; edges: number[] } | { kind: "values"; values: (number | string)[] };
  labels: (number | string)[];
  refCounts: number[];
  curCounts: number[];
  psi: number;
  js: number;
  hellinger: number;
  chi2: { statistic: number; pValue: number; dof: number };
  adBinned?: { statistic: number };
  ks?: { statistic: number; pValue: number; method: "exact" | "asymp" };
  wasserstein?: number;
  ztest?: { statistic: number; pValue: number };
  evidently: { method: string; statistic: number | string; pValue?: number; threshold: number; drifted: boolean };
  evidentlyPsi?: number;
  evidentlyJsNats?: number;
};
type Case = { name: string; type: "numerical" | "categorical"; note: string; ref: (number | string | boolean | null)[]; cur: (number | string | boolean | null)[]; expected: Expected };

const cases = (fixtures as unknown as { cases: Case[] }).cases;

describe("drift methods match scipy on the fixture cases", () => {
  it("has at least 40 cases covering the required situations", () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    const names = cases.map((c) => c.name).join(" ");
    for (const s of ["30_vs_40", "20000_vs_20000", "10000_vs_9000_exact", "10001_vs_9000_asymp", "constant_reference", "both_constant_equal", "missing", "disjoint", "heavy_tail", "new_category", "absent_from_current", "binary", "ties"]) {
      expect(names).toContain(s);
    }
  });

  for (const c of cases) {
    it(`${c.name} — ${c.note}`, () => {
      const e = c.expected;
      let aligned;
      let refClean: Float64Array | undefined;
      let curClean: Float64Array | undefined;
      if (c.type === "numerical") {
        const ref = c.ref.map((v) => decodeNumber(v as number | string | null));
        const cur = c.cur.map((v) => decodeNumber(v as number | string | null));
        const rc = cleanNumeric(ref);
        const cc = cleanNumeric(cur);
        refClean = rc.values;
        curClean = cc.values;
        expect([rc.values.length, cc.values.length, rc.missing, cc.missing]).toEqual([e.refN, e.curN, e.refMissing, e.curMissing]);
        const bins = freezeBins(ref, "numerical");
        expect(bins).toEqual(e.bins);
        const rCounts = countIntoBins(bins, ref);
        const cCounts = countIntoBins(bins, cur);
        expect([rCounts.missing, cCounts.missing]).toEqual([e.refMissing, e.curMissing]);
        aligned = alignCounts(bins, rCounts, cCounts);
        expect(aligned.labels).toEqual(e.labels.map((l) => decodeNumber(l)));
      } else {
        const bins = freezeCategoricalBins(c.ref as (string | number | boolean | null)[]);
        expect(bins).toEqual(e.bins);
        const rCounts = countIntoBins(bins, c.ref);
        const cCounts = countIntoBins(bins, c.cur);
        expect([rCounts.missing, cCounts.missing]).toEqual([e.refMissing, e.curMissing]);
        aligned = alignCounts(bins, rCounts, cCounts);
        expect(aligned.labels).toEqual(e.labels);
      }
      expect(aligned.ref).toEqual(e.refCounts);
      expect(aligned.cur).toEqual(e.curCounts);

      expectClose(psi(aligned.ref, aligned.cur), e.psi, "psi");
      expectClose(jsDistance(aligned.ref, aligned.cur), e.js, "js");
      expectClose(hellinger(aligned.ref, aligned.cur), e.hellinger, "hellinger");
      const chi = chi2Homogeneity(aligned.ref, aligned.cur);
      expect(chi.dof).toBe(e.chi2.dof);
      expectClose(chi.statistic, e.chi2.statistic, "chi2 statistic");
      expectClose(chi.pValue, e.chi2.pValue, "chi2 p");

      if (e.adBinned) {
        expectClose(andersonDarlingBinned(aligned.ref, aligned.cur).statistic, e.adBinned.statistic, "anderson-darling (binned)");
      }
      if (e.ks && refClean && curClean) {
        const ks = ks2samp(refClean, curClean);
        expect(ks.method).toBe(e.ks.method);
        expectClose(ks.statistic, e.ks.statistic, "ks D");
        expectClose(ks.pValue, e.ks.pValue, "ks p");
      }
      if (e.wasserstein !== undefined && refClean && curClean) {
        expectClose(wassersteinNormed(refClean, curClean), e.wasserstein, "wasserstein");
      }
      if (e.ztest) {
        const nr = aligned.ref.reduce((a, b) => a + b, 0);
        const nc = aligned.cur.reduce((a, b) => a + b, 0);
        const z = twoProportionZTest(aligned.ref[1], nr, aligned.cur[1], nc);
        expectClose(z.statistic, e.ztest.statistic, "z");
        expectClose(z.pValue, e.ztest.pValue, "z p");
      }
      const refRaw = c.type === "numerical" ? c.ref.map((v) => decodeNumber(v as number | string | null)) : c.ref;
      const curRaw = c.type === "numerical" ? c.cur.map((v) => decodeNumber(v as number | string | null)) : c.cur;
      const ev = evidentlyDrift(refRaw, curRaw, c.type);
      expect(ev.method).toBe(e.evidently.method);
      expect(ev.drifted).toBe(e.evidently.drifted);
      expect(ev.threshold).toBe(e.evidently.threshold);
      expectClose(ev.statistic, decodeNumber(e.evidently.statistic) as number, "evidently statistic");
      if (e.evidently.pValue !== undefined) expectClose(ev.pValue as number, e.evidently.pValue, "evidently p");
      if (e.evidentlyPsi !== undefined) expectClose(evidentlyDrift(refRaw, curRaw, c.type, { method: "psi" }).statistic, e.evidentlyPsi, "evidently psi (Sturges)");
      if (e.evidentlyJsNats !== undefined) expectClose(evidentlyDrift(refRaw, curRaw, c.type, { method: "jensenshannon" }).statistic, e.evidentlyJsNats, "evidently js (Sturges)");
    });
  }
});
