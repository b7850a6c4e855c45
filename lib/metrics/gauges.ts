import { type DriftSettings, type FeatureDrift, RAW_METHODS, statisticValue } from "../drift/computeDrift";
import { windowDrift } from "../drift/windowDrift";
import { HOUR } from "../domain/time";
import { referenceClassShares } from "../models/references/classShares";
import type { ReferenceProfile } from "../models/references/profile";
import { type Doc, key } from "../rollups/documents";
import { summariseMetrics } from "../rollups/summarise";
import { DEFAULT_VERDICT_THRESHOLDS } from "../stats";
import type { MetricFamily, Sample } from "./exposition";
import { F } from "./families";
import { own } from "../domain/records";


/** What the gauges need to know of a model. */
export type GaugeModel = {
  id: string;
  task: string;
  classes: string[];
  positiveClass: string | null;
  /** the model's features (declared and seen), in display order */
  features: string[];
  driftSettings: DriftSettings;
  performanceHours: number;
  driftHours: number;
  /** the current reference's profile; null without one */
  profile: ReferenceProfile | null;
};

/**
 * A model's merged documents for its windows, which all end at the same whole hour: the all-versions metrics
 * hours of the performance window and of the drift window, and the feature hours of the drift window.
 */
export type WindowDocs = { performance: Doc; driftMetrics: Doc; features: Doc };

/** The gauge samples of one model, by family name (computed once per model and window, see gaugeFamilies). */
export type ModelGauges = Map<string, Sample[]>;

function push(out: ModelGauges, family: string, sample: Sample) {
  const list = out.get(family);
  if (list) list.push(sample);
  else out.set(family, [sample]);
}

/**
 * The drift numbers of one feature (or the output) that decide its verdict, as samples of the score, threshold
 * and p-value families: the default verdict's effect size and BH-adjusted test, or — when the drift settings name
 * a method that ran — that method's statistic, p-value and threshold. A feature whose named method needs raw
 * values (ks, wasserstein, evidently) gets the default verdict's numbers and no verdict: /metrics never reads raw
 * events, and the drift API's verdict for it comes from that method.
 */
function driftSamples(
  out: ModelGauges,
  families: { score: string; threshold: string; pValue: string; detected: string },
  labels: Record<string, string>,
  d: FeatureDrift,
  rawDecides: boolean,
) {
  const decided = d.decidedBy !== "default" ? d.results.find((r) => r.method === d.decidedBy) : undefined;
  if (decided && decided.statistic !== null) {
    const l = { ...labels, method: decided.method };
    push(out, families.score, { labels: l, value: statisticValue(decided.statistic) as number });
    if (decided.pValue !== undefined) push(out, families.pValue, { labels: l, value: decided.pValue });
    push(out, families.threshold, { labels: l, value: decided.threshold });
  } else {
    if (d.scoreMethod !== undefined && d.scoreThreshold !== undefined) {
      const l = { ...labels, method: d.scoreMethod };
      push(out, families.score, { labels: l, value: d.score });
      push(out, families.threshold, { labels: l, value: d.scoreThreshold });
    }
    if (d.pValue !== undefined && d.pValueMethod !== undefined) {
      const l = { ...labels, method: d.pValueMethod };
      push(out, families.pValue, { labels: l, value: d.pValue });
      push(out, families.threshold, { labels: l, value: DEFAULT_VERDICT_THRESHOLDS.alpha });
    }
  }
  if (d.drifted !== "insufficient_data" && !rawDecides) push(out, families.detected, { labels, value: d.drifted ? 1 : 0 });
}

const FEATURE = { score: F.driftScore.name, threshold: F.driftThreshold.name, pValue: F.driftPValue.name, detected: F.driftDetected.name };
const OUTPUT = { score: F.predictionDriftScore.name, threshold: F.predictionDriftThreshold.name, pValue: F.predictionDriftPValue.name, detected: F.predictionDriftDetected.name };

/**
 * Every gauge of one model for its windows ending at `end` (pure). Performance comes from summariseMetrics on the
 * window's merged metrics hours, drift from windowDrift on the window's feature hours against the reference —
 * the functions behind GET /models/{m}/metrics and /drift with window=single over the same hours, so the numbers
 * are theirs. Missing ratios are the quality endpoint's (absent or null over events).
 */
export function modelGauges(m: GaugeModel, docs: WindowDocs, end: number): ModelGauges {
  const out: ModelGauges = new Map();
  const model = { model_name: m.id };
  push(out, F.modelInfo.name, { labels: { ...model, task: m.task }, value: 1 });
  push(out, F.windowEnd.name, { labels: model, value: end / 1000 });
  push(out, F.windowLength.name, { labels: { ...model, window: "performance" }, value: (m.performanceHours * HOUR) / 1000 });
  push(out, F.windowLength.name, { labels: { ...model, window: "drift" }, value: (m.driftHours * HOUR) / 1000 });

  const s = summariseMetrics(docs.performance, { task: m.task, classes: m.classes, positiveClass: m.positiveClass });
  push(out, F.labelled.name, { labels: model, value: s.labels.labelled });
  if (s.labels.coverage !== null) push(out, F.coverage.name, { labels: model, value: s.labels.coverage });
  const perf = s.performance;
  if (perf?.kind === "classification") {
    push(out, F.accuracy.name, { labels: model, value: perf.accuracy });
    push(out, F.f1.name, { labels: model, value: perf.macro.f1 });
    push(out, F.precision.name, { labels: model, value: perf.macro.precision });
    push(out, F.recall.name, { labels: model, value: perf.macro.recall });
  } else if (perf?.kind === "regression") {
    push(out, F.mae.name, { labels: model, value: perf.mae });
    push(out, F.rmse.name, { labels: model, value: perf.rmse });
  }

  for (const name of m.features) {
    const n = docs.features[key(name, "n")] ?? 0;
    if (n > 0) push(out, F.missing.name, { labels: { ...model, feature_name: name }, value: (docs.features[key(name, "miss")] ?? 0) / n });
  }

  if (m.profile) {
    const drift = windowDrift({ profile: m.profile, featureDoc: docs.features, metricDoc: docs.driftMetrics, methods: [], settings: m.driftSettings });
    const settings = m.driftSettings;
    let anyRaw = false;
    for (const d of drift.features) {
      const named = own(settings.features, d.feature) ?? settings[d.type];
      const raw = named !== undefined && RAW_METHODS.includes(named.method);
      anyRaw ||= raw;
      driftSamples(out, FEATURE, { ...model, feature_name: d.feature }, d, raw);
    }
    if (drift.prediction) driftSamples(out, OUTPUT, model, drift.prediction, false);
    // the share counts final verdicts, which for a raw-value method only the drift API has
    if (drift.tested > 0 && !anyRaw) push(out, F.driftShare.name, { labels: model, value: drift.driftedShare });
    if (drift.datasetDrift !== "insufficient_data") push(out, F.datasetDrift.name, { labels: model, value: drift.datasetDrift ? 1 : 0 });
    // every declared class (0 when the reference never predicted it) and every class the reference predicted
    const shares = referenceClassShares(m.profile);
    if (shares) {
      for (const c of new Set([...m.classes, ...shares.keys()])) push(out, F.referenceClassShare.name, { labels: { ...model, predicted_class: c }, value: shares.get(c) ?? 0 });
    }
  }
  return out;
}

/** The gauge families in export order, from each model's gauges (models in the given order). */
export function gaugeFamilies(models: readonly ModelGauges[]): MetricFamily[] {
  const order = [
    F.modelInfo, F.windowEnd, F.windowLength, F.accuracy, F.f1, F.precision, F.recall, F.mae, F.rmse, F.labelled, F.coverage,
    F.datasetDrift, F.driftShare, F.predictionDriftDetected, F.predictionDriftScore, F.predictionDriftThreshold, F.predictionDriftPValue,
    F.driftDetected, F.driftScore, F.driftThreshold, F.driftPValue, F.missing, F.referenceClassShare,
  ];
  return order.map((f) => ({ ...f, type: "gauge" as const, samples: models.flatMap((g) => g.get(f.name) ?? []) }));
}
