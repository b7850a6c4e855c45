import type { FeatureProfile } from "../models/references/profile";
import { type EvidentlyMethod, chi2Homogeneity, evidentlyDrift, hellinger, jsDistance, ks2samp, psi, twoProportionZTest, wassersteinNormed } from "../stats";

export const DRIFT_METHODS = ["psi", "js", "chi2", "ks", "wasserstein", "ztest", "hellinger", "evidently"] as const;
export type DriftMethod = (typeof DRIFT_METHODS)[number];
/** The methods that need raw values (the reference sample and the window's events), not only bin counts. */
export const RAW_METHODS: readonly DriftMethod[] = ["ks", "wasserstein", "evidently"];

/**
 * One method's result for one feature and window. `drifted`: distance ≥ threshold (psi, js, hellinger,
 * wasserstein) or p < threshold (chi2, ks, ztest); evidently uses the direction of the test it chose.
 * A method that cannot run (no raw values, wrong feature type, empty side) is `skipped` with `statistic: null`,
 * `drifted: false` and the reason in `detail`. `null` means skipped and nothing else: a statistic that is not a
 * finite number (Evidently's chi-square with a category unseen in the reference is +∞) is the string "Infinity"
 * ("-Infinity", "NaN"), which JSON can carry and JSON.stringify would otherwise turn into null.
 */
export type MethodResult = {
  method: DriftMethod;
  /** psi/js (bits)/hellinger/normed W1 distance, χ², KS D, z; Evidently's own statistic; null only when skipped */
  statistic: JsonStatistic | null;
  pValue?: number;
  threshold: number;
  drifted: boolean;
  skipped?: true;
  /** e.g. the test evidently chose, the chi-square dof, or why the method was skipped */
  detail?: string;
  /** evidently only: the chosen test named as Evidently's reports name it (e.g. "K-S p_value", "Jensen-Shannon distance") */
  test?: string;
  /** evidently only: Evidently's drift score — the p-value of a test, else the distance — and which of the two it is */
  score?: number;
  scoreKind?: "p_value" | "distance";
};

/** A statistic as JSON carries it: a finite number, or "Infinity" / "-Infinity" / "NaN" (JSON has no such numbers). */
export type JsonStatistic = number | "Infinity" | "-Infinity" | "NaN";

/** `x` as a JsonStatistic: finite numbers unchanged, ±∞ and NaN as their names. Cost O(1). */
export function jsonStatistic(x: number): JsonStatistic {
  if (Number.isFinite(x)) return x;
  return Number.isNaN(x) ? "NaN" : x > 0 ? "Infinity" : "-Infinity";
}

/** The number a JsonStatistic stands for (null stays null: skipped). Cost O(1). @example statisticValue("Infinity") // Infinity */
export function statisticValue(s: JsonStatistic | null | undefined): number | null {
  if (s === null || s === undefined) return null;
  return typeof s === "number" ? s : Number(s);
}

/** Evidently's display names of the tests its automatic choice picks (lib/stats `EvidentlyMethod` → name). */
export const EVIDENTLY_TEST_NAMES: Record<EvidentlyMethod, string> = {
  ks: "K-S p_value",
  chisquare: "chi-square p_value",
  z: "Z-test p_value",
  wasserstein: "Wasserstein distance (normed)",
  jensenshannon: "Jensen-Shannon distance",
  psi: "PSI",
};

/** Default threshold per method (evidently: its own per chosen test, see lib/stats/evidently.ts). */
export const DEFAULT_METHOD_THRESHOLDS: Record<Exclude<DriftMethod, "evidently">, number> = {
  psi: 0.1,
  js: 0.1,
  chi2: 0.05,
  ks: 0.05,
  wasserstein: 0.1,
  ztest: 0.05,
  hellinger: 0.1,
};

/** True for the method ids of DRIFT_METHODS (for parsing `methods=` and drift settings). Cost O(1). */
export function isDriftMethod(x: string): x is DriftMethod {
  return (DRIFT_METHODS as readonly string[]).includes(x);
}

/** Everything a method may need for one feature: aligned counts and, when given, the cleaned current raw values. */
export type MethodInput = { profile: FeatureProfile; ref: readonly number[]; cur: readonly number[]; raw?: number[] | string[] };

function total(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

function skipped(method: DriftMethod, threshold: number, detail: string): MethodResult {
  return { method, statistic: null, threshold, drifted: false, skipped: true, detail };
}

function distance(method: DriftMethod, value: number, threshold: number): MethodResult {
  return { method, statistic: jsonStatistic(value), threshold, drifted: value >= threshold };
}

function pTest(method: DriftMethod, statistic: number, pValue: number, threshold: number, detail?: string): MethodResult {
  return { method, statistic: jsonStatistic(statistic), pValue, threshold, drifted: pValue < threshold, ...(detail ? { detail } : {}) };
}

/**
 * Runs one drift method on one feature (lib/stats does the maths): psi, js (bits), hellinger and chi2
 * (scipy `chi2_contingency`, no pooling) on the aligned bins; ztest on the two bins of a binary feature (second
 * bin = success); ks, wasserstein (W1 / σ_ref) and evidently on the reference sample and the raw current values.
 * `threshold` overrides the method's default (DEFAULT_METHOD_THRESHOLDS; evidently: its chosen test's).
 *
 * Cost: O(k) on bins; O((n+m) log(n+m)) on raw values (exact KS p-value up to O(n·m) for ≤ 10,000 values).
 * Throws: nothing (a method that cannot run is returned skipped).
 */
export function runMethod(method: DriftMethod, input: MethodInput, threshold?: number, rawMethod: (job: RawMethodJob) => MethodResult = runRawMethod): MethodResult {
  const { profile, ref, cur, raw } = input;
  // evidently's threshold depends on the test it chooses; 0.05 (Evidently's base default) is only shown when it is skipped
  const thr = threshold ?? (method === "evidently" ? 0.05 : DEFAULT_METHOD_THRESHOLDS[method]);
  const nRef = total(ref);
  const nCur = total(cur);
  try {
    switch (method) {
      case "psi":
      case "js":
      case "hellinger":
      case "chi2": {
        if (nRef === 0) return skipped(method, thr, "no reference values");
        if (nCur === 0) return skipped(method, thr, "no values in the window");
        if (method === "psi") return distance(method, psi(ref, cur), thr);
        if (method === "js") return distance(method, jsDistance(ref, cur), thr);
        if (method === "hellinger") return distance(method, hellinger(ref, cur), thr);
        const chi = chi2Homogeneity(ref, cur);
        return pTest(method, chi.statistic, chi.pValue, thr, `dof ${chi.dof}`);
      }
      case "ztest": {
        if (!profile.binary) return skipped(method, thr, "ztest applies to binary features (at most two distinct reference values)");
        if (ref.length > 2) return skipped(method, thr, "more than two distinct values in reference and window");
        if (nRef === 0) return skipped(method, thr, "no reference values");
        if (nCur === 0) return skipped(method, thr, "no values in the window");
        const z = twoProportionZTest(ref[1] ?? 0, nRef, cur[1] ?? 0, nCur);
        const success = profile.bins.kind === "values" && ref.length === 2 ? profile.bins.values[1] : undefined;
        return pTest(method, z.statistic, z.pValue, thr, success === undefined ? undefined : `success = ${String(success)}`);
      }
      case "ks":
      case "wasserstein":
      case "evidently": {
        if (!raw) {
          if (method !== "evidently" && profile.type !== "numerical") return skipped(method, thr, `${method} applies to numerical features`);
          return skipped(method, thr, "needs the window's raw values, which were not provided");
        }
        return rawMethod({ method, type: profile.type, sample: profile.sample, raw, ...(threshold === undefined ? {} : { threshold }) });
      }
    }
  } catch (err) {
    if (err instanceof RangeError) return skipped(method, thr, err.message);
    throw err;
  }
}

/** The raw-value methods: the CPU-heavy part of a drift read (sorts, exact KS p-values), for one feature and window. */
export type RawMethod = "ks" | "wasserstein" | "evidently";

/**
 * One raw-value method's work for one feature and window, self-contained so that it can run elsewhere (lib/queries
 * runs these on a worker thread): the method, the feature's type, the reference sample and the window's cleaned
 * raw values (finite numbers, or category keys), and the threshold that overrides the method's default.
 */
export type RawMethodJob = { method: RawMethod; type: FeatureProfile["type"]; sample: readonly number[] | readonly string[]; raw: readonly number[] | readonly string[]; threshold?: number };

/**
 * Runs one raw-value method (`runMethod`'s ks / wasserstein / evidently, once the window's raw values are there):
 * ks and wasserstein (W1 / σ_ref) on numerical features, evidently's automatic test on either type.
 *
 * Cost: O((n+m) log(n+m)) (exact KS p-value up to O(n·m) for ≤ 10,000 values). Throws: nothing (skipped instead).
 */
export function runRawMethod(job: RawMethodJob): MethodResult {
  const { method, type, sample, threshold } = job;
  const raw = job.raw as number[] | string[];
  const thr = threshold ?? (method === "evidently" ? 0.05 : DEFAULT_METHOD_THRESHOLDS[method]);
  try {
    if (method !== "evidently" && type !== "numerical") return skipped(method, thr, `${method} applies to numerical features`);
    if (raw.length === 0) return skipped(method, thr, "no values in the window");
    if (sample.length === 0) return skipped(method, thr, "no reference values");
    if (method === "ks") {
      const r = ks2samp(sample as number[], raw as number[]);
      return pTest(method, r.statistic, r.pValue, thr, r.method);
    }
    if (method === "wasserstein") return distance(method, wassersteinNormed(sample as number[], raw as number[]), thr);
    const e = evidentlyDrift(sample as number[] | string[], raw, type, threshold === undefined ? {} : { threshold });
    // Evidently's chi-square has p = NaN with a single category (dof 0): reported without a p-value
    const p = e.pValue === undefined || Number.isNaN(e.pValue) ? {} : { pValue: e.pValue };
    const isTest = e.method === "ks" || e.method === "chisquare" || e.method === "z";
    const score = isTest ? { ...("pValue" in p ? { score: p.pValue } : {}), scoreKind: "p_value" as const } : { score: e.statistic, scoreKind: "distance" as const };
    return { method, statistic: jsonStatistic(e.statistic), ...p, threshold: e.threshold, drifted: e.drifted, detail: e.method, test: EVIDENTLY_TEST_NAMES[e.method], ...score };
  } catch (err) {
    if (err instanceof RangeError) return skipped(method, thr, err.message);
    throw err;
  }
}
