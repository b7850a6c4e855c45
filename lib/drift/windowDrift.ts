import { PREDICTION_KEY } from "../domain/model";
import { isSummable } from "../domain/numbers";
import type { FeatureProfile, ReferenceProfile } from "../models/references/profile";
import type { Doc } from "../rollups/documents";
import { computeDrift, computeDriftWith, type DriftInput, type DriftMethod, type DriftSettings, type MethodResult, RAW_METHODS, type RawMethodJob, type WindowDrift } from "./computeDrift";
import { type WindowFeature, windowCounts, windowFeatureCounts, windowPredictionCounts } from "./windowCounts";
import { own } from "../domain/records";

/** A raw event as the raw-value methods read it. */
export type RawDriftEvent = { features: Record<string, unknown>; prediction: unknown };

type StoredSetting = { method: string; threshold?: number };

/**
 * A model's stored drift settings (lib/models/schemas.ts `drift`) as computeDrift takes them: the "default" entries
 * dropped, since the default verdict needs no setting.
 */
export function driftSettings(stored: unknown): DriftSettings {
  // safe because the settings were validated by the model definition schema before they were stored
  const s = (stored ?? {}) as { numerical?: StoredSetting; categorical?: StoredSetting; features?: Record<string, StoredSetting> };
  const keep = (m?: StoredSetting) => (m && m.method !== "default" ? (m as DriftSettings["numerical"]) : undefined);
  return {
    numerical: keep(s.numerical),
    categorical: keep(s.categorical),
    features: Object.fromEntries(Object.entries(s.features ?? {}).flatMap(([k, v]) => (keep(v) ? [[k, keep(v)!]] : []))),
  };
}

/** Whether the requested methods or the model's settings need each window's raw values (ks, wasserstein, evidently). */
export function needsRawValues(methods: readonly DriftMethod[], settings: DriftSettings): boolean {
  const configured = [settings.numerical, settings.categorical, ...Object.values(settings.features ?? {})].flatMap((m) => (m ? [m.method] : []));
  return [...methods, ...configured].some((m) => RAW_METHODS.includes(m));
}

/**
 * The window's prediction counts on the reference's bins: a classifier's classes from the metrics document, a
 * regression prediction from the feature document (PREDICTION_KEY). Null when the feature document holds
 * none (rollups written before predictions were binned, until a reference is published again).
 */
function predictionWindow(featureDoc: Doc, metricDoc: Doc, profile: FeatureProfile | null): WindowFeature | null {
  if (profile === null) return null;
  if (profile.type !== "numerical") return windowPredictionCounts(metricDoc, profile);
  const w = windowFeatureCounts(featureDoc, { ...profile, name: PREDICTION_KEY });
  return w.count + w.missing > 0 ? w : null;
}

/** Each profiled feature's raw values from the window's events, as rollups and profiles count them. */
function rawValues(rows: readonly RawDriftEvent[], profile: ReferenceProfile) {
  const raw: Record<string, number[] | string[]> = {};
  for (const [name, f] of Object.entries(profile.features)) {
    const values = rows.map((r) => own(r.features, name));
    raw[name] = f.type === "numerical"
      ? values.filter(isSummable)
      : values.flatMap((v) => (typeof v === "string" ? [v] : typeof v === "boolean" ? [String(v)] : typeof v === "number" ? [String(v)] : []));
  }
  let prediction: number[] | string[] | undefined;
  if (profile.prediction) {
    prediction = profile.prediction.type === "numerical"
      ? rows.map((r) => r.prediction).filter((v): v is number => typeof v === "number")
      : rows.flatMap((r) => (r.prediction === null || r.prediction === undefined ? [] : [String(r.prediction)]));
  }
  return { features: raw, prediction };
}

export type WindowDriftInput = {
  profile: ReferenceProfile;
  featureDoc: Doc;
  metricDoc: Doc;
  rawEvents?: readonly RawDriftEvent[];
  methods: DriftMethod[];
  settings: DriftSettings;
  /** also return each feature's aligned reference and window bins */
  withBins?: boolean;
  /** only these features (computeDrift `only`) */
  only?: readonly string[];
};

/** computeDrift's input for one window, from what the read fetched. */
function driftInput(input: WindowDriftInput): DriftInput {
  const { profile } = input;
  const raw = input.rawEvents ? rawValues(input.rawEvents, profile) : undefined;
  return {
    profile,
    window: windowCounts(input.featureDoc, profile),
    ...(raw ? { raw: raw.features } : {}),
    prediction: { window: predictionWindow(input.featureDoc, input.metricDoc, profile.prediction), ...(raw?.prediction ? { raw: raw.prediction } : {}) },
    methods: input.methods,
    thresholds: input.settings,
    ...(input.withBins ? { withBins: true } : {}),
    ...(input.only ? { only: input.only } : {}),
  };
}

/**
 * Drift of one window against the reference, from what the read fetched: the window's merged feature and metrics
 * documents and, for the raw-value methods, its raw events. Pure; see computeDrift for the verdict.
 */
export function windowDrift(input: WindowDriftInput): WindowDrift {
  return computeDrift(driftInput(input));
}

/** `windowDrift` with the raw-value methods run by `runRaw` (e.g. on a worker thread; see computeDriftWith). */
export function windowDriftWith(input: WindowDriftInput, runRaw: (jobs: RawMethodJob[]) => Promise<MethodResult[]>): Promise<WindowDrift> {
  return computeDriftWith(driftInput(input), runRaw);
}
