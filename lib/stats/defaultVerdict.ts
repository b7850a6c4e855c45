import { andersonDarlingBinned } from "./andersonDarling";
import { benjaminiHochberg } from "./benjaminiHochberg";
import { chi2Homogeneity } from "./chi2Homogeneity";
import { psi } from "./psi";
import { twoProportionZTest } from "./twoProportionZTest";

export type VerdictFeatureType = "numerical" | "categorical" | "binary";

/** One feature of one window: reference and current counts on the same bins (see `alignCounts`). */
export type VerdictFeatureInput = {
  name: string;
  type: VerdictFeatureType;
  ref: readonly number[];
  cur: readonly number[];
  /** per-feature overrides of the call's thresholds */
  thresholds?: Partial<VerdictThresholds>;
  /** the bins are intervals in ascending order (numerical features on frozen edges): the Anderson–Darling test applies */
  ordered?: boolean;
};

export type VerdictThresholds = {
  /** significance level for BH (features) and Bonferroni (dataset alarm); default 0.05 */
  alpha: number;
  /**
   * numerical effect size: PSI ≥ this; default 0.01 (0.02 before issue #14). Issue #3 requires a 0.2-σ mean shift
   * (PSI ≈ 0.04) to be detected, which DESIGN.md's 0.1 misses; issue #14 requires a Student-t(3) whose p99 moves ×1.5
   * to be flagged at n = 20,000, whose PSI on the tail bins is 0.021 (analytically; observed 0.02 ± noise: 0.02 caught
   * it in 7 of 10 windows at n = 20,000 and 4 of 10 at 100,000). 0.01 is the PSI of a 0.1-σ mean shift on these bins
   * (0.0099), the smallest change Evidently's default for large references (normed Wasserstein ≥ 0.1) calls drift.
   * False alarms are bounded by the BH-adjusted test.
   */
  psi: number;
  /**
   * categorical effect size on the same PSI scale: PSI ≥ this; default 0.03 (issue #14). 60/30/10 → 50/35/15 is PSI
   * 0.046 and a new category at a 1 % share ≈ 0.046 (PSI's 1e-4 floor); 0.02 let the dataset alarm of the seeded
   * 20-feature simulation reach 6 % (the chi-square of a few categories at n = 1,000 passes 0.02 by noise), 0.03 keeps it ≤ 5 %.
   */
  psiCategorical: number;
  /**
   * no longer used by the verdict (kept so stored settings still parse): categoricals are held to `psi` since
   * issue #14 — JS ≥ 0.1 bits missed a 60/30/10 → 50/35/15 move (JS 0.095, PSI 0.046) and a 1 % new category
   */
  js: number;
  /** binary effect size: |p_ref − p_cur| ≥ this; default 0 (DESIGN.md: binary is the z-test alone) */
  binaryDiff: number;
  /** fewer values than this on either side → insufficient_data; default 200 */
  minCount: number;
  /** expected count per bin of the chi-square table below this (after pooling rare bins) → insufficient_data; default 5 */
  minExpected: number;
};

export const DEFAULT_VERDICT_THRESHOLDS: VerdictThresholds = { alpha: 0.05, psi: 0.01, psiCategorical: 0.03, js: 0.1, binaryDiff: 0, minCount: 200, minExpected: 5 };

export type FeatureVerdict = {
  name: string;
  type: VerdictFeatureType;
  refCount: number;
  count: number;
  /** effect size and its threshold (absent when insufficient_data) */
  effect?: { method: "psi" | "js" | "proportion_diff"; value: number; threshold: number };
  /** significance test; pAdjusted is Benjamini–Hochberg across the tested features of the call */
  /**
   * significance test; pAdjusted is Benjamini–Hochberg across the tested features of the call. `chi2_ad` (numerical
   * features on ordered bins): pValue = min(1, 2·min(chi-square p, Anderson–Darling p)), statistic = the chi-square's,
   * both tests in `parts`
   */
  test?: {
    method: "chi2" | "ztest" | "chi2_ad";
    statistic: number;
    pValue: number;
    pAdjusted: number;
    dof?: number;
    pooledBins?: number;
    parts?: { chi2: { statistic: number; pValue: number; dof: number }; ad: { statistic: number; pValue: number } };
  };
  /** pAdjusted < alpha, whatever the effect size (a real but possibly small change) */
  significant: boolean;
  drifted: boolean | "insufficient_data";
  reason?: string;
};

export type DatasetVerdict = {
  features: FeatureVerdict[];
  /** features that had enough data to be tested (the BH/Bonferroni family size) */
  tested: number;
  driftedCount: number;
  /** driftedCount / tested (0 when nothing was tested) */
  driftedShare: number;
  /** at least one feature with effect ≥ threshold and raw p < alpha / tested (Bonferroni: familywise error ≤ alpha) */
  alarm: boolean;
  alarmAlpha: number;
};

/**
 * Merges chi-square columns whose expected count is below `minExpected` into one pooled column
 * (and that into the smallest other column if it is still too small). Returns the table or null if
 * even the pooled table has an expected count below the minimum. All-zero columns are dropped.
 */
function poolRareColumns(ref: readonly number[], cur: readonly number[], minExpected: number): { ref: number[]; cur: number[]; pooled: number } | null {
  let nr = 0;
  let nc = 0;
  for (let i = 0; i < ref.length; i++) {
    nr += ref[i];
    nc += cur[i];
  }
  const n = nr + nc;
  const minRow = Math.min(nr, nc);
  const keepR: number[] = [];
  const keepC: number[] = [];
  let poolR = 0;
  let poolC = 0;
  let pooled = 0;
  for (let i = 0; i < ref.length; i++) {
    const col = ref[i] + cur[i];
    if (col === 0) continue;
    if ((minRow * col) / n < minExpected) {
      poolR += ref[i];
      poolC += cur[i];
      pooled++;
    } else {
      keepR.push(ref[i]);
      keepC.push(cur[i]);
    }
  }
  if (pooled > 0) {
    if ((minRow * (poolR + poolC)) / n >= minExpected || keepR.length === 0) {
      keepR.push(poolR);
      keepC.push(poolC);
    } else {
      let smallest = 0;
      for (let i = 1; i < keepR.length; i++) if (keepR[i] + keepC[i] < keepR[smallest] + keepC[smallest]) smallest = i;
      keepR[smallest] += poolR;
      keepC[smallest] += poolC;
    }
  }
  for (let i = 0; i < keepR.length; i++) if ((minRow * (keepR[i] + keepC[i])) / n < minExpected) return null;
  return { ref: keepR, cur: keepC, pooled };
}

/**
 * For ordered bins (numerical edges): merges each run of neighbouring bins until its expected count reaches
 * `minExpected` (left to right; a short run left at the right end joins the last kept column), so the tails keep
 * their own columns — pooling every rare bin into one column would mix the lowest and the highest bins. All-zero
 * columns are dropped. Null if the whole table cannot reach the minimum.
 */
function poolAdjacentColumns(ref: readonly number[], cur: readonly number[], minExpected: number): { ref: number[]; cur: number[]; pooled: number } | null {
  const nr = sum(ref);
  const nc = sum(cur);
  const n = nr + nc;
  const minRow = Math.min(nr, nc);
  const keepR: number[] = [];
  const keepC: number[] = [];
  let runR = 0;
  let runC = 0;
  let runBins = 0;
  let pooled = 0;
  for (let i = 0; i < ref.length; i++) {
    if (ref[i] + cur[i] === 0) continue;
    runR += ref[i];
    runC += cur[i];
    runBins++;
    if ((minRow * (runR + runC)) / n >= minExpected) {
      keepR.push(runR);
      keepC.push(runC);
      if (runBins > 1) pooled += runBins;
      runR = runC = runBins = 0;
    }
  }
  if (runBins > 0) {
    if (keepR.length === 0) return null;
    keepR[keepR.length - 1] += runR;
    keepC[keepC.length - 1] += runC;
    pooled += runBins;
  }
  return { ref: keepR, cur: keepC, pooled };
}

function sum(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

/**
 * Driftwatch's default drift verdict for one window (DESIGN.md §Drift): effect size AND significance.
 * - numerical: PSI ≥ 0.01 (DESIGN.md says 0.1; see VerdictThresholds.psi) and p (BH-adjusted) < 0.05 on the frozen
 *   bins; on ordered bins (`ordered`: numeric edges) p = min(1, 2·min(chi-square p, binned Anderson–Darling p)) with the
 *   chi-square's rare bins merged with their neighbours (`chi2_ad`; issue #14: the chi-square over the tail bins sees
 *   tail changes, Anderson–Darling location and scale); otherwise (value bins) the chi-square alone;
 * - categorical: PSI ≥ 0.03 on reference ∪ current categories (the numerical scale; issue #14) and chi-square p (BH) < 0.05;
 * - binary: pooled two-proportion z-test p (BH) < 0.05 (and |Δp| ≥ `binaryDiff`, default 0); the
 *   second bin is the "success". A binary feature whose bins are not exactly 2 is judged as categorical.
 * Benjamini–Hochberg runs across the features of the call that had enough data. The dataset alarm
 * is Bonferroni: some feature has effect ≥ threshold and raw p < alpha / tested.
 * `insufficient_data` (excluded from BH): fewer than `minCount` (200) values on either side, or an
 * expected count under `minExpected` (5) in the chi-square table even after pooling the rare bins
 * into one (pooling is our decision: without it one rare category would make every window
 * insufficient). With the default minCount of 200 pooling always reaches expected counts ≥ 5, so that
 * rule only bites when a smaller minCount is configured. The effect size always uses the unpooled bins.
 *
 * Cost: O(Σk + F log F). Throws: RangeError on mismatched count vectors or negative counts.
 *
 * @example defaultVerdict([{ name: "age", type: "numerical", ref: [100, 100], cur: [100, 100] }]).features[0].drifted // "insufficient_data"
 */
export function defaultVerdict(features: readonly VerdictFeatureInput[], thresholds: Partial<VerdictThresholds> = {}): DatasetVerdict {
  const base: VerdictThresholds = { ...DEFAULT_VERDICT_THRESHOLDS, ...thresholds };
  type Pending = { verdict: FeatureVerdict; pValue: number; effectOk: boolean; alpha: number };
  const pending: Pending[] = [];
  const out: FeatureVerdict[] = features.map((f) => {
    if (f.ref.length !== f.cur.length) throw new RangeError(`defaultVerdict: ${f.name}: count vectors differ in length`);
    const t: VerdictThresholds = { ...base, ...f.thresholds };
    const refCount = sum(f.ref);
    const count = sum(f.cur);
    const v: FeatureVerdict = { name: f.name, type: f.type, refCount, count, significant: false, drifted: "insufficient_data" };
    if (refCount < t.minCount || count < t.minCount) {
      v.reason = `fewer than ${t.minCount} values (reference ${refCount}, current ${count})`;
      return v;
    }
    const table = f.ordered ? poolAdjacentColumns(f.ref, f.cur, t.minExpected) : poolRareColumns(f.ref, f.cur, t.minExpected);
    if (table === null) {
      v.reason = `expected bin count below ${t.minExpected}`;
      return v;
    }
    if (f.type === "binary" && f.ref.length === 2) {
      const z = twoProportionZTest(f.ref[1], refCount, f.cur[1], count);
      const diff = Math.abs(f.ref[1] / refCount - f.cur[1] / count);
      v.effect = { method: "proportion_diff", value: diff, threshold: t.binaryDiff };
      v.test = { method: "ztest", statistic: z.statistic, pValue: z.pValue, pAdjusted: NaN };
      pending.push({ verdict: v, pValue: z.pValue, effectOk: diff >= t.binaryDiff, alpha: t.alpha });
      return v;
    }
    const chi = chi2Homogeneity(table.ref, table.cur);
    // numerical and categorical on one effect scale (issue #14): PSI on the bins, the same floor
    v.effect = { method: "psi", value: psi(f.ref, f.cur), threshold: f.type === "numerical" ? t.psi : t.psiCategorical };
    if (f.type === "numerical" && f.ordered) {
      // issue #14: chi-square on the tail-refined bins for shape and tail changes, Anderson–Darling for location and
      // scale; Bonferroni over the two keeps the combined p-value valid
      const ad = andersonDarlingBinned(f.ref, f.cur);
      const p = Math.min(1, 2 * Math.min(ad.pValue, chi.pValue));
      v.test = {
        method: "chi2_ad",
        statistic: chi.statistic,
        pValue: p,
        pAdjusted: NaN,
        dof: chi.dof,
        pooledBins: table.pooled,
        parts: { chi2: { statistic: chi.statistic, pValue: chi.pValue, dof: chi.dof }, ad: { statistic: ad.statistic, pValue: ad.pValue } },
      };
      pending.push({ verdict: v, pValue: p, effectOk: v.effect.value >= v.effect.threshold, alpha: t.alpha });
      return v;
    }
    v.test = { method: "chi2", statistic: chi.statistic, pValue: chi.pValue, pAdjusted: NaN, dof: chi.dof, pooledBins: table.pooled };
    pending.push({ verdict: v, pValue: chi.pValue, effectOk: v.effect.value >= v.effect.threshold, alpha: t.alpha });
    return v;
  });
  const tested = pending.length;
  let alarm = false;
  if (tested > 0) {
    const adjusted = benjaminiHochberg(pending.map((p) => p.pValue));
    pending.forEach((p, i) => {
      const test = p.verdict.test;
      if (!test) return;
      test.pAdjusted = adjusted[i];
      p.verdict.significant = adjusted[i] < p.alpha;
      p.verdict.drifted = p.effectOk && p.verdict.significant;
      if (p.effectOk && p.pValue < p.alpha / tested) alarm = true;
    });
  }
  const driftedCount = out.filter((v) => v.drifted === true).length;
  return {
    features: out,
    tested,
    driftedCount,
    driftedShare: tested > 0 ? driftedCount / tested : 0,
    alarm,
    alarmAlpha: base.alpha / Math.max(tested, 1),
  };
}
