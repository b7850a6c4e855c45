import { METRIC_LABELS } from "@/components/alerts/format";
import { formatValue, type Unit } from "./format";

/** How each rule metric's value is written on the model page (alert values are in the evaluator's units: latency in seconds). */
const UNITS: Record<string, { unit: Unit; scale?: number }> = {
  error_rate: { unit: "ratio" },
  latency_p50: { unit: "ms", scale: 1000 },
  latency_p95: { unit: "ms", scale: 1000 },
  latency_p99: { unit: "ms", scale: 1000 },
  requests: { unit: "count" },
  accuracy: { unit: "ratio" },
  mae: { unit: "number" },
  drift_share: { unit: "ratio" },
  missing_rate: { unit: "ratio" },
  class_share: { unit: "ratio" },
  class_share_shift: { unit: "ratio" },
  confidence_p25: { unit: "number" },
};

/** A metric's name: the alerts page's (one table for both pages). */
export const metricLabel = (metric: string) => METRIC_LABELS[metric] ?? metric.replaceAll("_", " ");

const windowLabel = (s: number) => (s % 86400 === 0 ? `${s / 86400} d` : s % 3600 === 0 ? `${s / 3600} h` : s % 60 === 0 ? `${s / 60} min` : `${s} s`);

/** A rule's value in its metric's unit; for the relative comparisons, the change in percent. */
export function alertValue(metric: string, comparison: string, v: number | null): string {
  if (comparison.endsWith("_pct")) return v === null ? "—" : `${Number(v.toPrecision(3))} %`;
  const m = UNITS[metric] ?? { unit: "number" as const };
  return formatValue(v === null ? null : v * (m.scale ?? 1), m.unit);
}

const times = (v: number | null) => (v === null || !Number.isFinite(v) ? "—" : `${Number(v.toPrecision(3)).toLocaleString("en-US")}×`);

/** "error rate 3.2 % > 1 % over 5 min", "p99 latency rise 62 % > 50 % over 5 min" — the value beside the rule's condition. */
export function alertCondition(a: {
  metric: string;
  comparison: string;
  threshold: number;
  windowSeconds: number;
  value: number | null;
  slo?: { name: string; window: string } | null;
}): { metric: string; value: string; condition: string } {
  if (a.slo) {
    // an SLO burn-rate row: the lower of its two windows' burn rates against the row's factor
    return { metric: `${a.slo.name} burn rate`, value: times(a.value), condition: `> ${times(a.threshold)} over ${a.slo.window.replace("/", " and ")}` };
  }
  const rel = a.comparison === "increase_pct" ? "rise" : a.comparison === "decrease_pct" ? "drop" : null;
  const threshold = alertValue(a.metric, a.comparison, a.threshold);
  return {
    metric: rel ? `${metricLabel(a.metric)} ${rel}` : metricLabel(a.metric),
    value: alertValue(a.metric, a.comparison, a.value),
    condition: `${rel ? ">" : a.comparison} ${threshold} over ${windowLabel(a.windowSeconds)}`,
  };
}
