import { type FeatureType, inferFeatureType, PREDICTION_KEY, type Task } from "../../domain/model";
import { isSummable } from "../../domain/numbers";
import { MAX_VALUE_KEYS, OTHER_VALUE } from "../../rollups/documents";
import { type Bins, type Moments, DECILE_MIN_DISTINCT, REFERENCE_QUANTILES, categoryKey, countIntoBins, freezeBins, freezeCategoricalBins } from "../../stats";
import { createNumberReservoir, createReservoir, featureSeed, type Reservoir } from "./reservoir";


/** Raw-value sample bound per feature (the reference side of ks / wasserstein / evidently). */
export const SAMPLE_MAX = 100_000;
/** Most frequent categories kept for display. */
export const TOP_MAX = 50;
/**
 * Categorical bins at most, the overflow bin included (= the rollup writer's MAX_VALUE_KEYS). A reference
 * with more distinct categories keeps the most frequent MAX_CATEGORY_BINS − 1 and pools the rest into a bin
 * keyed OTHER_VALUE; windows then count every category outside the bins into that bin.
 */
export const MAX_CATEGORY_BINS = MAX_VALUE_KEYS;
/** Distinct categories counted exactly while streaming; later new ones go straight to the overflow bin. */
export const MAX_TRACKED_CATEGORIES = 100_000;
/**
 * Numerical values held in memory for the quantile bins, all features together (8 bytes each: 128 MB). A larger
 * reference stops holding them ("spills"); its quantile bins and their counts are then computed from the stored
 * rows by the database (store.ts `finishProfile`), exactly as from the values in memory.
 */
export const VALUE_BUDGET = 16_000_000;
/** Values a spilled numerical feature gathers before handing them to the builder's `spill` sink. */
const SPILL_CHUNK = 8_192;
/** Name of the prediction's profile. */
export const PREDICTION_NAME = "prediction";

export type FeatureProfile = {
  name: string;
  type: FeatureType;
  /** two distinct values at most (booleans, yes/no, 0/1): tested with the z-test by the default verdict */
  binary: boolean;
  /** from lib/stats freezeBins (numerical) / freezeCategoricalBins (categorical); `{kind: "values", values: []}` when there was no value */
  bins: Bins;
  /** reference counts per bin (aligned with bins) */
  counts: number[];
  /** non-missing values */
  count: number;
  /** null/absent/non-finite, or wrong type for the feature's type */
  missing: number;
  /** numerical only (null for categoricals and for numericals without a value) */
  moments: Moments | null;
  /** uniform sample of the non-missing values, at most SAMPLE_MAX (all of them when fewer), for raw-value tests */
  sample: number[] | string[];
  sampled: boolean;
  /** categorical: the most frequent categories with their counts (at most TOP_MAX), for display */
  top?: { value: string; count: number }[];
};

/**
 * Marks a profile whose numerical bins are frozen at lib/stats REFERENCE_QUANTILES (issue #14). Profiles stored
 * before have no mark and decile bins; `rebinLegacyReferences` (./rebin.ts) brings them over.
 */
export const BIN_SCHEME = "quantiles-v2";

export type ReferenceProfile = {
  rows: number;
  features: Record<string, FeatureProfile>;
  prediction: FeatureProfile | null;
  /** BIN_SCHEME when numerical bins are at REFERENCE_QUANTILES; absent on profiles with the pre-#14 decile bins */
  binScheme?: typeof BIN_SCHEME;
};

type NumState = {
  type: "numerical";
  /** every value, for the quantile bins; null once the builder spilled (see VALUE_BUDGET) */
  values: Float64Array | null;
  /** spilled with a `spill` sink: the values not yet handed to it (the first `pn`), and where they go */
  pending: Float64Array | null;
  pn: number;
  toSink: ((values: Float64Array) => void) | null;
  n: number;
  distinct: Map<number, number> | null;
  sample: Reservoir<number>;
  /** lib/stats `moments` of the values, kept as they arrive (the same Welford steps in the same order) */
  mean: number;
  m2: number;
  min: number;
  max: number;
  sum: number;
};
type CatState = { type: "categorical"; counts: Map<string, number>; untracked: number; n: number; sample: Reservoir<string> };
type State = NumState | CatState;

/**
 * Where a spilled builder hands its numerical values (all of them, each once, in chunks), when it is given one:
 * `write` must be done with `values` when it returns (the builder reuses the array).
 */
export type SpillSink = { write(name: string, values: Float64Array): void };

function newState(type: FeatureType, seed: number, spilled = false, toSink: ((values: Float64Array) => void) | null = null): State {
  if (type === "numerical") {
    const values = spilled ? null : new Float64Array(1024);
    const pending = spilled && toSink ? new Float64Array(SPILL_CHUNK) : null;
    return { type, values, pending, pn: 0, toSink: pending ? toSink : null, n: 0, distinct: new Map(), sample: createNumberReservoir(SAMPLE_MAX, seed), mean: 0, m2: 0, min: Infinity, max: -Infinity, sum: 0 };
  }
  return { type, counts: new Map(), untracked: 0, n: 0, sample: createReservoir<string>(SAMPLE_MAX, seed) };
}

/** Adds one raw value; anything that is not a value of the feature's type counts as missing (derived at the end). */
function addValue(s: State, v: unknown): void {
  if (s.type === "numerical") {
    if (!isSummable(v)) return; // as the write path counts
    if (s.values) {
      if (s.n === s.values.length) {
        const grown = new Float64Array(s.values.length * 2);
        grown.set(s.values);
        s.values = grown;
      }
      s.values[s.n] = v;
    } else if (s.pending) {
      s.pending[s.pn++] = v;
      if (s.pn === s.pending.length) {
        s.toSink!(s.pending);
        s.pn = 0;
      }
    }
    s.n++;
    const d = v - s.mean;
    s.mean += d / s.n;
    s.m2 += d * (v - s.mean);
    if (v < s.min) s.min = v;
    if (v > s.max) s.max = v;
    s.sum += v;
    if (s.distinct) {
      s.distinct.set(v, (s.distinct.get(v) ?? 0) + 1);
      if (s.distinct.size > DECILE_MIN_DISTINCT) s.distinct = null; // quantile bins: counted from the values at the end
    }
    s.sample.offer(v);
    return;
  }
  const k = categoryKey(v);
  if (k === null) return;
  const c = s.counts.get(k);
  if (c !== undefined) s.counts.set(k, c + 1);
  else if (s.counts.size < MAX_TRACKED_CATEGORIES) s.counts.set(k, 1);
  else s.untracked++;
  s.n++;
  s.sample.offer(k);
}

/**
 * A numerical feature whose values the builder no longer holds: `count` values, handed to the `spill` sink under
 * `name` when the builder has one, else read back from the stored rows.
 */
export type SpilledFeature = { name: string; prediction: boolean; count: number };
/** Quantile bins of a spilled numerical feature, computed by the caller from the stored rows. */
export type SpilledBins = { edges: number[]; counts: number[] };

function finishNumerical(name: string, s: NumState, rows: number, quantiles?: readonly number[], spilled?: SpilledBins): FeatureProfile {
  const sample = s.sample.items();
  const base = { name, type: "numerical" as const, count: s.n, missing: rows - s.n, sample, sampled: s.n > sample.length };
  if (s.n === 0) return { ...base, binary: false, bins: { kind: "values", values: [] }, counts: [], moments: null };
  const m: Moments = { count: s.n, mean: s.mean, m2: s.m2, min: s.min, max: s.max, sum: s.sum };
  // ≤ 20 distinct values: the distinct keys give the same value bins as all values, and their counts are exact
  const distinct = s.distinct;
  if (distinct) {
    const bins = freezeBins([...distinct.keys()], "numerical", quantiles);
    if (bins.kind !== "values") throw new Error("freezeBins: ≤ 20 distinct values give value bins");
    return { ...base, binary: bins.values.length <= 2, bins, counts: bins.values.map((v) => distinct.get(v as number) ?? 0), moments: m };
  }
  if (s.values) {
    const values = s.values.subarray(0, s.n);
    const bins = freezeBins(values, "numerical", quantiles);
    return { ...base, binary: bins.kind === "values" && bins.values.length <= 2, bins, counts: countIntoBins(bins, values).counts, moments: m };
  }
  if (!spilled) throw new Error(`createProfileBuilder: the bins of '${name}' must come from the stored rows (finishProfile)`);
  return { ...base, binary: false, bins: { kind: "numeric", edges: spilled.edges }, counts: spilled.counts, moments: m };
}

function finishCategorical(name: string, s: CatState, rows: number): FeatureProfile {
  const sample = s.sample.items();
  const byCount = [...s.counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const top = byCount.slice(0, TOP_MAX).map(([value, count]) => ({ value, count }));
  const base = { name, type: "categorical" as const, count: s.n, missing: rows - s.n, moments: null, sample, sampled: s.n > sample.length, top };
  if (s.n === 0) return { ...base, binary: false, bins: { kind: "values", values: [] }, counts: [] };
  if (s.untracked === 0 && s.counts.size <= MAX_CATEGORY_BINS) {
    const bins = freezeCategoricalBins([...s.counts.keys()]);
    return { ...base, binary: bins.values.length <= 2, bins, counts: bins.values.map((k) => s.counts.get(k as string) ?? 0) };
  }
  const kept = byCount.slice(0, MAX_CATEGORY_BINS - 1);
  let other = s.untracked;
  for (let i = kept.length; i < byCount.length; i++) other += byCount[i][1];
  const keptCounts = new Map(kept);
  const bins = freezeCategoricalBins([...keptCounts.keys(), OTHER_VALUE]);
  const counts = bins.values.map((k) => (k === OTHER_VALUE ? other : (keptCounts.get(k as string) ?? 0)));
  return { ...base, binary: false, bins, counts };
}

function finishState(name: string, s: State, rows: number, quantiles?: readonly number[], spilled?: SpilledBins): FeatureProfile {
  return s.type === "numerical" ? finishNumerical(name, s, rows, quantiles, spilled) : finishCategorical(name, s, rows);
}

/**
 * Streams reference rows into a `ReferenceProfile`: per feature the frozen bins (lib/stats `freezeBins` /
 * `freezeCategoricalBins`) and counts, moments, missing count, the most frequent categories and a seeded
 * reservoir sample (`SAMPLE_MAX`); the same for the prediction (categorical for classification tasks,
 * numerical for regression; `null` when no row has one).
 * - Declared features (`featureTypes`) keep their type; others are typed by their first non-null value
 *   (number → numerical, string/boolean → categorical); a feature that never has one is an empty categorical.
 * - Missing = rows − non-missing values: absent, null, NaN/±∞, or the wrong type (a string or boolean for a
 *   numerical feature; an object or array anywhere). Categoricals accept numbers as categories (`categoryKey`).
 * - Memory: numerical values in a doubling Float64Array (8 bytes a value, needed for the quantile edges); categoricals
 *   as a count map of at most MAX_TRACKED_CATEGORIES keys; samples of at most SAMPLE_MAX values per feature.
 * - Output is plain JSON (no Map, typed array, NaN or ∞): it can be stored as jsonb as is.
 *
 * Cost: O(1) amortised per value in `add`; `finish` O(n log n) per numerical feature with quantile bins, O(n) otherwise.
 * Throws: Error on `add`/`finish` after `finish`.
 *
 * @example const b = createProfileBuilder({ featureTypes: { age: "numerical" }, task: "regression" }); b.add({ features: { age: 31 }, prediction: 0.4 }); b.finish().rows // 1
 */
export function createProfileBuilder(opts: {
  featureTypes: Record<string, FeatureType>;
  task: Task;
  seed?: number;
  /** the reference quantiles numerical bins are frozen at (default lib/stats REFERENCE_QUANTILES; the drift bench compares schemes) */
  binQuantiles?: readonly number[];
  /** numerical values held in memory at most, all features together (default VALUE_BUDGET) */
  valueBudget?: number;
  /**
   * Where the values go once the builder spills (each feature's under its name, the prediction's under
   * PREDICTION_KEY), so that its quantile bins can be computed without the stored rows (store.ts finishProfile).
   */
  spill?: SpillSink;
}): {
  add(row: { features: Record<string, unknown>; prediction?: unknown }): void;
  /**
   * Numerical features (and the regression prediction) whose quantile bins must come from elsewhere: the `spill`
   * sink, which has all their values once this returns, or else the stored rows.
   */
  spilled(): SpilledFeature[];
  /**
   * Each feature's sample (and the prediction's, under PREDICTION_KEY, when a row had one): what `finish` will put
   * in the profile, in the same order, available once the last row is added (the upload writes them meanwhile).
   */
  samples(): { name: string; values: number[] | string[] }[];
  /** `binned`: the bins of every `spilled()` feature, by its name (the prediction's under PREDICTION_KEY). */
  finish(binned?: ReadonlyMap<string, SpilledBins>): ReferenceProfile;
} {
  const seed = opts.seed ?? 1;
  const budget = opts.valueBudget ?? VALUE_BUDGET;
  const sink = opts.spill;
  const toSink = (name: string) => (sink ? (values: Float64Array) => sink.write(name, values) : null);
  const states = new Map<string, State | null>(); // null: seen, type still unknown; insertion order = output order
  for (const [name, type] of Object.entries(opts.featureTypes)) states.set(name, newState(type, featureSeed(seed, name)));
  const prediction = newState(opts.task === "regression" ? "numerical" : "categorical", featureSeed(seed, "\u0000" + PREDICTION_NAME));
  /** every state with its sink name (a feature's name, the prediction's PREDICTION_KEY) */
  const named = (): [string, State | null][] => [...states, [PREDICTION_KEY, prediction]];
  let rows = 0;
  let finished = false;
  let spilled = false;
  /** Past the budget, every numerical feature lets go of its values, and later features never hold any. */
  const checkBudget = () => {
    let held = 0;
    for (const st of [...states.values(), prediction]) if (st?.type === "numerical" && st.values) held += st.values.length;
    if (held <= budget) return;
    spilled = true;
    for (const [name, st] of named()) {
      if (st?.type !== "numerical") continue;
      if (sink && st.values) {
        // the values held so far go to the sink at once, the later ones in chunks
        sink.write(name, st.values.subarray(0, st.n));
        st.pending = new Float64Array(SPILL_CHUNK);
        st.toSink = toSink(name);
      }
      st.values = null;
    }
  };
  return {
    add(row) {
      if (finished) throw new Error("createProfileBuilder: add after finish");
      rows++;
      for (const name in row.features) {
        const v = row.features[name];
        let s = states.get(name);
        if (!s) {
          const type = inferFeatureType(v);
          s = type === null ? null : newState(type, featureSeed(seed, name), spilled, toSink(name));
          states.set(name, s);
        }
        if (s) addValue(s, v);
      }
      if (row.prediction !== undefined) addValue(prediction, row.prediction);
      // the arrays grow by doubling, so their total moves only now and then: checking every 4,096 rows is enough
      if (!spilled && (rows & 4095) === 0) checkBudget();
    },
    spilled() {
      const out: SpilledFeature[] = [];
      for (const [name, st] of named()) {
        if (st?.type !== "numerical") continue;
        if (st.pending && st.pn > 0) {
          st.toSink!(st.pending.subarray(0, st.pn));
          st.pn = 0;
        }
        if (!st.values && !st.distinct && st.n > 0) out.push({ name, prediction: st === prediction, count: st.n });
      }
      return out;
    },
    samples() {
      const out: { name: string; values: number[] | string[] }[] = [];
      for (const [name, s] of states) out.push({ name, values: s ? s.sample.items() : [] });
      if (prediction.n > 0) out.push({ name: PREDICTION_KEY, values: prediction.sample.items() });
      return out;
    },
    finish(binned) {
      if (finished) throw new Error("createProfileBuilder: finish called twice");
      finished = true;
      const features: Record<string, FeatureProfile> = {};
      for (const [name, s] of states) {
        features[name] = finishState(name, s ?? newState("categorical", 0), rows, opts.binQuantiles, binned?.get(name));
        states.set(name, null); // free the values of finished features
      }
      return {
        rows,
        features,
        prediction: prediction.n > 0 ? finishState(PREDICTION_NAME, prediction, rows, opts.binQuantiles, binned?.get(PREDICTION_KEY)) : null,
        ...(opts.binQuantiles === undefined || opts.binQuantiles === REFERENCE_QUANTILES ? { binScheme: BIN_SCHEME } : {}),
      };
    },
  };
}
