/**
 * A rule's metric from one window's rollup documents (pure: no I/O). The same summaries the metrics and drift
 * APIs report: quantiles from the histograms as PromQL's histogram_quantile, accuracy from the confusion counts,
 * drift with the default (rollup-based) verdict.
 */
import { PREDICTION_KEY } from "../../domain/model";
import { windowDrift } from "../../drift/windowDrift";
import { classShareShift, referenceClassShares } from "../../models/references/classShares";
import type { ReferenceProfile } from "../../models/references/profile";
import { type Doc, SEP } from "../../rollups/documents";
import { summariseMetrics, type SummaryModel } from "../../rollups/summarise";

/** The window's documents: metrics (all versions and segments) and, for drift and missing rate, features. */
export type WindowDocs = { metrics: Doc; features: Doc | null };

/** The metric's value and the number of samples it stands on (requests, latencies, labels… as the metric counts). */
export type Measured = { value: number | null; samples: number };

const NONE: Measured = { value: null, samples: 0 };

/** Share of missing values over the features (f·miss / f·n summed over features; the regression prediction excluded). */
function missingShare(doc: Doc): Measured {
  let n = 0;
  let miss = 0;
  for (const k in doc) {
    const at = k.indexOf(SEP);
    if (at < 0 || k.indexOf(SEP, at + 1) >= 0 || k.startsWith(PREDICTION_KEY + SEP)) continue;
    const part = k.slice(at + 1);
    if (part === "n") n += doc[k];
    else if (part === "miss") miss += doc[k];
  }
  return n > 0 ? { value: miss / n, samples: n } : NONE;
}

/**
 * The metric of `metric` in one window; value null when there is nothing to compute it from. `profile` is the
 * model's reference (drift_share and class_share_shift: null without one).
 */
export function measure(metric: string, docs: WindowDocs, model: SummaryModel, profile: ReferenceProfile | null): Measured {
  const doc = docs.metrics;
  const n = doc.n ?? 0;
  switch (metric) {
    case "requests":
      return { value: n, samples: n };
    case "error_rate":
      return n > 0 ? { value: (doc.err ?? 0) / n, samples: n } : NONE;
    case "missing_rate":
      return docs.features ? missingShare(docs.features) : NONE;
    case "drift_share": {
      if (!profile || !docs.features) return NONE;
      const d = windowDrift({ profile, featureDoc: docs.features, metricDoc: doc, methods: [], settings: { features: {} } });
      return d.tested > 0 ? { value: d.driftedShare, samples: n } : NONE;
    }
  }
  const s = summariseMetrics(doc, model);
  switch (metric) {
    case "latency_p50":
    case "latency_p95":
    case "latency_p99": {
      const q = s.latency[metric.slice("latency_".length) as "p50" | "p95" | "p99"];
      return { value: q === null ? null : q / 1000, samples: s.latency.count };
    }
    case "confidence_p25":
      return { value: s.confidence.p25, samples: s.confidence.count };
    case "class_share": {
      if (s.predictions.kind !== "classes") return NONE;
      const counts = Object.values(s.predictions.counts);
      const total = counts.reduce((a, b) => a + b, 0);
      return total > 0 ? { value: Math.max(...counts) / total, samples: total } : NONE;
    }
    case "class_share_shift": {
      if (s.predictions.kind !== "classes") return NONE;
      const counts = s.predictions.counts;
      const value = classShareShift(counts, referenceClassShares(profile));
      return value === null ? NONE : { value, samples: Object.values(counts).reduce((a, b) => a + b, 0) };
    }
    case "accuracy": {
      if (s.performance?.kind !== "classification") return NONE;
      const total = s.performance.confusion.matrix.flat().reduce((a, b) => a + b, 0);
      return { value: s.performance.accuracy, samples: total };
    }
    case "mae":
      return s.performance?.kind === "regression" ? { value: s.performance.mae, samples: doc.rn ?? 0 } : NONE;
  }
  return NONE;
}

/**
 * What a rule compares: the window's value when it has at least `minSamples` samples (else null), or for the
 * relative comparisons the rise / drop in percent against the previous window (both windows need the samples,
 * and a previous value of 0 gives null).
 */
export function ruleValue(
  rule: { comparison: string; minSamples: number },
  current: Measured,
  previous: Measured | null,
): { value: number | null; samples: number } {
  const enough = (m: Measured) => m.value !== null && m.samples >= rule.minSamples;
  if (!enough(current)) return { value: null, samples: current.samples };
  if (rule.comparison !== "increase_pct" && rule.comparison !== "decrease_pct") return { value: current.value, samples: current.samples };
  if (!previous || !enough(previous) || previous.value === 0) return { value: null, samples: current.samples };
  const change = ((current.value! - previous.value!) / Math.abs(previous.value!)) * 100;
  return { value: rule.comparison === "increase_pct" ? change : -change, samples: current.samples };
}
