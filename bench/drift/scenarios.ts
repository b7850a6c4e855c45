// Drift scenario suite: simulated reference + windows, judged through the same pure path as the drift API
// (createProfileBuilder → windowFeatureFromValues on the profile's bins → computeDrift). See bench/drift/README.md.
import type { FeatureType } from "../../lib/domain/model";
import { computeDrift, type WindowDrift } from "../../lib/drift/computeDrift";
import { type WindowFeature, windowFeatureFromValues } from "../../lib/drift/windowCounts";
import { createProfileBuilder, type ReferenceProfile } from "../../lib/models/references/profile";
import { createRandom, type Random } from "../../lib/stats/random";

/** The simulated dataset: four features, each drawn by one generator (values may be null = missing). */
export const FEATURES: Record<string, FeatureType> = { x_normal: "numerical", x_t3: "numerical", c_three: "categorical", c_eight: "categorical" };
export type FeatureName = keyof typeof FEATURES;
type Gen = (rng: Random) => number | string | null;

export const T3_Q90 = 1.6377443572159062; // Student-t(3) quantiles (scipy.stats.t.ppf)
export const T3_Q99 = 4.540702858698419;

function studentT3(rng: Random): number {
  const z = rng.normal();
  const a = rng.normal();
  const b = rng.normal();
  const c = rng.normal();
  return z / Math.sqrt((a * a + b * b + c * c) / 3);
}

function categorical(values: readonly string[], probs: readonly number[]): Gen {
  const cum: number[] = [];
  let s = 0;
  for (const p of probs) cum.push((s += p));
  return (rng) => {
    const u = rng.uniform() * s;
    for (let i = 0; i < cum.length; i++) if (u < cum[i]) return values[i];
    return values[values.length - 1];
  };
}

const EIGHT = ["a", "b", "c", "d", "e", "f", "g", "h"];
const EIGHT_P = [0.3, 0.2, 0.15, 0.1, 0.1, 0.07, 0.05, 0.03];

/** With probability `miss` the value is missing (null), else drawn by `g`. */
function withMissing(g: Gen, miss: number): Gen {
  return (rng) => (rng.uniform() < miss ? null : g(rng));
}

/** The reference generators: x_normal N(0,1) with 1 % missing, x_t3 Student-t(3), c_three 60/30/10, c_eight fixed shares. */
export const BASE: Record<FeatureName, Gen> = {
  x_normal: withMissing((r) => r.normal(), 0.01),
  x_t3: studentT3,
  c_three: categorical(["x", "y", "z"], [0.6, 0.3, 0.1]),
  c_eight: categorical(EIGHT, EIGHT_P),
};

export type Family = "mean" | "variance" | "tail" | "category" | "missingness";
export type Scenario = { name: string; family: Family; feature: FeatureName; gen: Gen };

/** Upper tail only: above t3's q90 (all in the top decile bin) stretched so that the new p99 = k × the old p99. */
function tailStretch(k: number): Gen {
  const slope = (k * T3_Q99 - T3_Q90) / (T3_Q99 - T3_Q90);
  return (rng) => {
    const x = studentT3(rng);
    return x > T3_Q90 ? T3_Q90 + (x - T3_Q90) * slope : x;
  };
}

function newCategory(share: number): Gen {
  return categorical([...EIGHT, "new"], [...EIGHT_P.map((p) => p * (1 - share)), share]);
}

export const SCENARIOS: Scenario[] = [
  ...[0.1, 0.2, 0.3, 0.5].map((d): Scenario => ({ name: `mean +${d}σ`, family: "mean", feature: "x_normal", gen: withMissing((r) => r.normal() + d, 0.01) })),
  ...[1.1, 1.25, 1.5].map((k): Scenario => ({ name: `variance ×${k}`, family: "variance", feature: "x_normal", gen: withMissing((r) => r.normal() * Math.sqrt(k), 0.01) })),
  ...[1.25, 1.5, 2].map((k): Scenario => ({ name: `t3 p99 ×${k} (tail only)`, family: "tail", feature: "x_t3", gen: tailStretch(k) })),
  { name: "60/30/10 → 57/31.5/11.5", family: "category", feature: "c_three", gen: categorical(["x", "y", "z"], [0.57, 0.315, 0.115]) },
  { name: "60/30/10 → 50/35/15", family: "category", feature: "c_three", gen: categorical(["x", "y", "z"], [0.5, 0.35, 0.15]) },
  ...[0.01, 0.02, 0.05].map((s): Scenario => ({ name: `new category ${s * 100} %`, family: "category", feature: "c_eight", gen: newCategory(s) })),
  ...[0.03, 0.1, 0.3].map((m): Scenario => ({ name: `missing 1 % → ${m * 100} %`, family: "missingness", feature: "x_normal", gen: withMissing((r) => r.normal(), m) })),
];

/** Builds the reference profile from `n` rows of BASE (seeded). */
export function buildReference(n: number, seed: number, binQuantiles?: readonly number[]): ReferenceProfile {
  const rng = createRandom(seed);
  const b = createProfileBuilder({ featureTypes: FEATURES, task: "binary_classification", seed, ...(binQuantiles ? { binQuantiles } : {}) });
  const names = Object.keys(FEATURES) as FeatureName[];
  for (let i = 0; i < n; i++) {
    const features: Record<string, unknown> = {};
    for (const f of names) features[f] = BASE[f](rng);
    b.add({ features });
  }
  return b.finish();
}

/** Which verdicts flagged a feature: the default verdict (values or, when it exists, missingness), and evidently. */
export type Flags = { default: boolean; defaultValues: boolean; defaultMissing: boolean; evidently: boolean };

export type WindowResult = { drift: WindowDrift; flags: Record<string, Flags>; evidentlyDataset: boolean };

/**
 * One window of `n` rows (every feature from BASE except `override`), judged by computeDrift with the evidently
 * method, the window counted on the profile's bins exactly as the API's fallback path does.
 */
export function runWindow(profile: ReferenceProfile, n: number, rng: Random, override?: { feature: FeatureName; gen: Gen }, evidently = true): WindowResult {
  const window: Record<string, WindowFeature> = {};
  const raw: Record<string, (number | string | null)[]> = {};
  for (const f of Object.keys(FEATURES) as FeatureName[]) {
    const g = override?.feature === f ? override.gen : BASE[f];
    const values: (number | string | null)[] = new Array(n);
    for (let i = 0; i < n; i++) values[i] = g(rng);
    window[f] = windowFeatureFromValues(values, profile.features[f]);
    raw[f] = values;
  }
  const drift = computeDrift({ profile, window, raw: evidently ? (raw as Record<string, number[] | string[]>) : undefined, methods: evidently ? ["evidently"] : [] });
  const flags: Record<string, Flags> = {};
  let evidentlyDrifted = 0;
  for (const fd of drift.features) {
    const ev = fd.results.find((r) => r.method === "evidently");
    const missing = fd.missingDrifted === true;
    const values = fd.drifted === true;
    flags[fd.feature] = { default: values || missing, defaultValues: values, defaultMissing: missing, evidently: ev?.drifted === true };
    if (ev?.drifted) evidentlyDrifted++;
  }
  // Evidently's dataset rule: share of drifted columns ≥ 0.5
  return { drift, flags, evidentlyDataset: drift.features.length > 0 && evidentlyDrifted / drift.features.length >= 0.5 };
}
