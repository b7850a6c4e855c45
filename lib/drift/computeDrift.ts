import type { FeatureType } from "../domain/model";
import type { FeatureProfile, ReferenceProfile } from "../models/references/profile";
import { type FeatureVerdict, type VerdictFeatureInput, benjaminiHochberg, categoryKey, defaultVerdict, twoProportionZTest } from "../stats";
import { type DriftMethod, type MethodResult, type RawMethodJob, isDriftMethod, runMethod } from "./methods";
import { type WindowFeature, windowFeatureFromValues } from "./windowCounts";
import { own } from "../domain/records";

export { DRIFT_METHODS, type DriftMethod, type JsonStatistic, type MethodResult, type RawMethodJob, DEFAULT_METHOD_THRESHOLDS, isDriftMethod, RAW_METHODS, runRawMethod, statisticValue } from "./methods";

export type FeatureDrift = {
  feature: string;
  type: FeatureType;
  count: number;
  missing: number;
  results: MethodResult[];
  drifted: boolean | "insufficient_data";
  /** what decided `drifted`: the default verdict, or the method configured for the feature in the drift settings */
  decidedBy: "default" | DriftMethod;
  /** the default verdict's effect size (PSI, JS bits, or |Δp| for binary), for the heatmap colour; 0 when not tested */
  score: number;
  /** which effect size `score` is and the threshold the default verdict holds it to (absent when not tested) */
  scoreMethod?: "psi" | "js" | "proportion_diff";
  scoreThreshold?: number;
  /** BH-adjusted p-value of the default verdict's test (absent when not tested) */
  pValue?: number;
  /** the default verdict's test behind `pValue` (absent when not tested) */
  pValueMethod?: "chi2" | "ztest" | "chi2_ad";
  /** why the default verdict is insufficient_data */
  reason?: string;
  /**
   * Missingness drift, judged apart from the values (a feature can be missing-drifted while its values are stable):
   * true when the missing share moved by ≥ MISSING_MIN_DIFF and the two-proportion z-test (BH across the features'
   * missingness tests) has p < alpha; insufficient_data under 200 rows a side. Not changed by drift settings.
   */
  /** window values not among the reference's categories (value bins), by category key, with their counts; {} when none */
  unseen?: Record<string, number>;
  missingDrifted?: boolean | "insufficient_data";
  missingDrift?: MissingDrift;
  /** only with `withBins`: the bins every binned method compared, reference and window counts aligned with `labels` */
  bins?: { labels: string[]; reference: number[]; current: number[] };
};

/** The missing share of one feature against the reference's (rows = values + missing, on each side). */
export type MissingDrift = {
  referenceShare: number;
  share: number;
  /** two-proportion z-test (pooled, two-sided) on missing / rows; absent when insufficient_data */
  statistic?: number;
  pValue?: number;
  /** BH-adjusted across the features' missingness tests of the window */
  pAdjusted?: number;
  /** the minimum |share − referenceShare| for a verdict */
  threshold: number;
  drifted: boolean | "insufficient_data";
};

/** Evidently's share-of-columns rule: the dataset drifts when at least this share of its columns drifted. */
export const DATASET_DRIFT_SHARE = 0.5;

/** Missingness drift needs the missing share to move by at least this much (1 percentage point) besides significance. */
export const MISSING_MIN_DIFF = 0.01;
const MISSING_MIN_ROWS = 200;
const MISSING_ALPHA = 0.05;

export type WindowDrift = {
  features: FeatureDrift[];
  prediction: FeatureDrift | null;
  /** driftedCount / tested (0 when nothing was tested) */
  driftedShare: number;
  driftedCount: number;
  /** features with enough data for the default verdict */
  tested: number;
  /**
   * the default verdict's alarm: a feature's values after Bonferroni over `tested`, or a feature's missingness
   * after Bonferroni over the missingness tests; insufficient_data when no feature could be tested
   */
  datasetDrift: boolean | "insufficient_data";
  /** the same value as `datasetDrift`, named by its definition: any feature (values or missingness) after Bonferroni */
  datasetDriftBonferroni?: boolean | "insufficient_data";
  /** Evidently's dataset rule beside ours: `driftedShare` ≥ DATASET_DRIFT_SHARE (0.5) of the tested features */
  datasetDriftShare?: boolean | "insufficient_data";
  /** features whose missing share drifted (`missingDrifted`), among all features (not only `only`) */
  missingDriftedCount?: number;
};

export type MethodSetting = { method: DriftMethod; threshold?: number };
/** A model's drift settings: the method (and threshold) that decides the verdict, per feature type or per feature. */
export type DriftSettings = { numerical?: MethodSetting; categorical?: MethodSetting; features?: Record<string, MethodSetting> };

export type DriftInput = {
  profile: ReferenceProfile;
  /** binned current counts per feature (`windowCounts`) */
  window: Record<string, WindowFeature>;
  /** current raw values per feature, for ks / wasserstein / evidently (and for binning a feature absent from `window`) */
  raw?: Record<string, number[] | string[]>;
  prediction?: { window: WindowFeature | null; raw?: number[] | string[] };
  /** methods to report besides the default verdict */
  methods: DriftMethod[];
  thresholds?: DriftSettings;
  /** also return each feature's aligned bins (`FeatureDrift.bins`), e.g. for a histogram of reference vs window */
  withBins?: boolean;
  /**
   * only these features in `features`, and `methods` run only for them; the verdict (BH across all features),
   * the counts, the share and the dataset alarm stay those of every feature
   */
  only?: readonly string[];
  /** runs a raw-value method (default `runRawMethod`, here and now); `computeDriftWith` runs them elsewhere */
  rawMethod?: (job: RawMethodJob) => MethodResult;
};

/** The current raw values the raw-value tests see: finite numbers, or category keys. */
function cleanRaw(values: readonly unknown[], type: FeatureType): number[] | string[] {
  if (type === "numerical") return values.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  const out: string[] = [];
  for (const v of values) {
    const k = categoryKey(v);
    if (k !== null) out.push(k);
  }
  return out;
}

type Prepared = { profile: FeatureProfile; window: WindowFeature; ref: number[]; raw?: number[] | string[]; verdictInput: VerdictFeatureInput };

function prepare(profile: FeatureProfile, window: WindowFeature | undefined, raw: readonly unknown[] | undefined): Prepared | null {
  const w = window ?? (raw ? windowFeatureFromValues(raw, profile) : undefined);
  if (!w) return null;
  const ref = [...profile.counts];
  while (ref.length < w.counts.length) ref.push(0); // values unseen in the reference
  const type = profile.binary ? "binary" : profile.type;
  return {
    profile,
    window: w,
    ref,
    ...(raw ? { raw: cleanRaw(raw, profile.type) } : {}),
    verdictInput: { name: profile.name, type, ref, cur: w.counts, ...(profile.bins.kind === "numeric" ? { ordered: true } : {}) },
  };
}

function missingDriftOf(p: Prepared): { result: MissingDrift; pValue?: number } {
  const refRows = p.profile.count + p.profile.missing;
  const rows = p.window.count + p.window.missing;
  const referenceShare = refRows > 0 ? p.profile.missing / refRows : 0;
  const share = rows > 0 ? p.window.missing / rows : 0;
  if (refRows < MISSING_MIN_ROWS || rows < MISSING_MIN_ROWS) return { result: { referenceShare, share, threshold: MISSING_MIN_DIFF, drifted: "insufficient_data" } };
  const z = twoProportionZTest(p.profile.missing, refRows, p.window.missing, rows);
  return { result: { referenceShare, share, statistic: z.statistic, pValue: z.pValue, threshold: MISSING_MIN_DIFF, drifted: false }, pValue: z.pValue };
}

/** Judges every feature's missingness: BH across the tested ones; the alarm is Bonferroni over them. */
function judgeMissing(prepared: readonly Prepared[]): { results: MissingDrift[]; alarm: boolean } {
  const all = prepared.map(missingDriftOf);
  const tested = all.filter((m) => m.pValue !== undefined);
  const adjusted = tested.length > 0 ? benjaminiHochberg(tested.map((m) => m.pValue as number)) : [];
  let alarm = false;
  tested.forEach((m, i) => {
    const effectOk = Math.abs(m.result.share - m.result.referenceShare) >= MISSING_MIN_DIFF;
    m.result.pAdjusted = adjusted[i];
    m.result.drifted = effectOk && adjusted[i] < MISSING_ALPHA;
    if (effectOk && (m.pValue as number) < MISSING_ALPHA / tested.length) alarm = true;
  });
  return { results: all.map((m) => m.result), alarm };
}

function featureDrift(
  p: Prepared,
  missing: MissingDrift,
  verdict: FeatureVerdict,
  methods: readonly DriftMethod[],
  setting: MethodSetting | undefined,
  withBins: boolean | undefined,
  rawMethod: ((job: RawMethodJob) => MethodResult) | undefined,
): FeatureDrift {
  const input = { profile: p.profile, ref: p.ref, cur: p.window.counts, ...(p.raw ? { raw: p.raw } : {}) };
  const wanted = setting && !methods.includes(setting.method) ? [...methods, setting.method] : methods;
  const results = wanted.map((m) => runMethod(m, input, setting?.method === m ? setting.threshold : undefined, rawMethod));
  const configured = setting ? results.find((r) => r.method === setting.method) : undefined;
  // the insufficient_data rule holds for every method; a configured method that could not run leaves the default verdict
  const override = verdict.drifted !== "insufficient_data" && configured && !configured.skipped ? configured : undefined;
  return {
    feature: p.profile.name,
    type: p.profile.type,
    count: p.window.count,
    missing: p.window.missing,
    results,
    drifted: override ? override.drifted : verdict.drifted,
    decidedBy: override ? override.method : "default",
    unseen: { ...p.window.unseen },
    missingDrifted: missing.drifted,
    missingDrift: missing,
    score: verdict.effect?.value ?? 0,
    ...(verdict.effect ? { scoreMethod: verdict.effect.method, scoreThreshold: verdict.effect.threshold } : {}),
    ...(verdict.test ? { pValue: verdict.test.pAdjusted, pValueMethod: verdict.test.method } : {}),
    ...(verdict.reason ? { reason: verdict.reason } : {}),
    ...(withBins ? { bins: { labels: binLabels(p), reference: p.ref, current: [...p.window.counts] } } : {}),
  };
}

/** Labels for the aligned bins: the window's labels, or the reference's values when the window carries none. */
function binLabels(p: Prepared): string[] {
  const labels = [...p.window.binsLabels];
  for (let i = labels.length; i < p.ref.length; i++) labels.push(`bin ${i + 1}`);
  return labels;
}

function uniqueMethods(methods: readonly string[]): DriftMethod[] {
  const out: DriftMethod[] = [];
  for (const m of methods) {
    if (!isDriftMethod(m)) throw new RangeError(`computeDrift: unknown method '${m}'`);
    if (!out.includes(m)) out.push(m);
  }
  return out;
}

/**
 * Drift of one window against a reference profile (DESIGN.md §Drift), for the profile's features present in
 * `window` or `raw` (others — and features the profile does not know — are left out), plus the prediction.
 * - Each feature gets the requested `methods` (lib/stats via `runMethod`; ztest only for binary features, the
 *   raw-value methods only when `raw` has the feature, else skipped with a detail).
 * - `drifted` is lib/stats `defaultVerdict` over all these features together (BH across features,
 *   insufficient_data under 200 values a side), unless the drift settings name a method for the feature
 *   (per feature, else per type): then that method's `drifted` decides (computed even if not requested), except
 *   that insufficient_data stays, and a skipped configured method leaves the default verdict.
 * - `datasetDrift` is the default verdict's Bonferroni alarm; `driftedCount`/`driftedShare` count the final
 *   verdicts over the tested features.
 * - The prediction is judged on its own (a family of one, not in the share or alarm), with the default verdict
 *   and the requested methods; a regression prediction without rollup bins is binned from `prediction.raw`.
 * Missing values are excluded from every test and reported as `missing`.
 *
 * Cost: O(Σk + F log F) on bins, plus the raw-value methods (see `runMethod`). Throws: RangeError on an unknown method.
 *
 * @example computeDrift({ profile, window: windowCounts(doc, profile), methods: ["psi"] }).datasetDrift // false
 */
export function computeDrift(input: DriftInput): WindowDrift {
  const methods = uniqueMethods(input.methods);
  const settings = input.thresholds ?? {};
  const prepared: Prepared[] = [];
  for (const name in input.profile.features) {
    const p = prepare(input.profile.features[name], own(input.window, name), own(input.raw, name));
    if (p) prepared.push(p);
  }
  const verdict = defaultVerdict(prepared.map((p) => p.verdictInput));
  const missing = judgeMissing(prepared);
  const only = input.only ? new Set(input.only) : null;
  const all = prepared.map((p, i) => {
    const shown = !only || only.has(p.profile.name);
    return featureDrift(p, missing.results[i], verdict.features[i], shown ? methods : [], own(settings.features, p.profile.name) ?? settings[p.profile.type], shown && input.withBins, input.rawMethod);
  });
  const features = only ? all.filter((f) => only.has(f.feature)) : all;
  let prediction: FeatureDrift | null = null;
  const predProfile = input.profile.prediction;
  if (predProfile && input.prediction) {
    const p = prepare(predProfile, input.prediction.window ?? undefined, input.prediction.raw);
    prediction = p
      ? featureDrift(p, judgeMissing([p]).results[0], defaultVerdict([p.verdictInput]).features[0], methods, undefined, input.withBins, input.rawMethod)
      : {
          feature: predProfile.name,
          type: predProfile.type,
          count: 0,
          missing: 0,
          results: [],
          drifted: "insufficient_data",
          decidedBy: "default",
          missingDrifted: "insufficient_data",
          missingDrift: { referenceShare: 0, share: 0, threshold: MISSING_MIN_DIFF, drifted: "insufficient_data" },
          score: 0,
          reason: "no predictions counted in this window",
        };
  }
  const driftedCount = all.filter((f) => f.drifted === true).length;
  const datasetDrift = verdict.tested > 0 ? verdict.alarm || missing.alarm : missing.alarm ? true : "insufficient_data";
  return {
    features,
    prediction,
    driftedShare: verdict.tested > 0 ? driftedCount / verdict.tested : 0,
    driftedCount,
    tested: verdict.tested,
    datasetDrift,
    datasetDriftBonferroni: datasetDrift,
    datasetDriftShare: verdict.tested > 0 ? driftedCount / verdict.tested >= DATASET_DRIFT_SHARE : "insufficient_data",
    missingDriftedCount: missing.results.filter((m) => m.drifted === true).length,
  };
}

/**
 * `computeDrift` with the raw-value methods (ks, wasserstein, evidently: the sorts and exact p-values, nearly all of
 * a raw read's CPU) run by `runRaw`, e.g. on a worker thread, so the caller's event loop stays free. Two passes
 * over the same input: the first only collects the raw-value jobs (in the order computeDrift asks for them, which
 * does not depend on their results), the second is computeDrift itself, handed `runRaw`'s results in that order.
 * The result equals `computeDrift(input)` exactly when `runRaw` returns `jobs.map(runRawMethod)`.
 *
 * Cost: computeDrift's bin work twice (O(Σk + F log F) each, small) plus `runRaw`. Throws: what computeDrift
 * throws, or `runRaw`'s rejection.
 */
export async function computeDriftWith(input: DriftInput, runRaw: (jobs: RawMethodJob[]) => Promise<MethodResult[]>): Promise<WindowDrift> {
  const jobs: RawMethodJob[] = [];
  computeDrift({
    ...input,
    rawMethod: (job) => {
      jobs.push(job);
      return { method: job.method, statistic: null, threshold: job.threshold ?? 0, drifted: false, skipped: true };
    },
  });
  if (jobs.length === 0) return computeDrift(input);
  const results = await runRaw(jobs);
  if (results.length !== jobs.length) throw new Error(`computeDriftWith: ${jobs.length} raw-value jobs, ${results.length} results`);
  let next = 0;
  const out = computeDrift({
    ...input,
    rawMethod: (job) => {
      const r = results[next++];
      if (r === undefined || r.method !== job.method) throw new Error("computeDriftWith: the raw-value jobs came in a different order");
      return r;
    },
  });
  if (next !== results.length) throw new Error(`computeDriftWith: ${results.length} results, ${next} used`);
  return out;
}
