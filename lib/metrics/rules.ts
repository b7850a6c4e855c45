import { stringify } from "yaml";
import { F } from "./families";

/**
 * Prometheus alerting rules equivalent to Driftwatch's default rules, on the exported families only. Thresholds
 * are the defaults' (DESIGN.md §Alerts); edit the file to tune them. Availability objective of the burn-rate
 * pair: 99 % of predictions succeed (an error budget of 1 %), paged at 14.4× over 1 h (and 5 m) and ticketed at
 * 6× over 6 h (and 30 m), the multiwindow pair of Google's SRE workbook.
 */
export const ACCURACY_TARGET = 0.8;
export const ERROR_BUDGET = 0.01;
/** Fewest labelled predictions in the performance window for the accuracy rule to judge. */
export const MIN_LABELLED = 100;
/** PredictionSkew: the rise of a class's share of predictions over its share in the reference (the default rule's). */
export const SKEW_RISE = 0.2;

export type AlertRule = {
  alert: string;
  expr: string;
  for: string;
  labels: { severity: "critical" | "warning" | "info" };
  annotations: { summary: string; description: string; runbook_url: string };
};

const requests = `${F.requests.name}_total`;
const errors = `${F.errors.name}_total`;
/** `factor` × the error budget as PromQL reads it (14.4 × 0.01 is 0.14400000000000002 in floating point). */
const burn = (factor: number) => Number((factor * ERROR_BUDGET).toPrecision(12));
const errorRatio = (range: string) =>
  `sum by (model_name) (rate(${errors}[${range}])) / sum by (model_name) (rate(${requests}[${range}]))`;

/** The rules, with runbook links to each model's page under `baseUrl` (Driftwatch's address as users reach it). */
export function alertRules(baseUrl: string): AlertRule[] {
  const runbook = `${baseUrl.replace(/\/+$/, "")}/models/{{ $labels.model_name }}`;
  const rule = (r: Omit<AlertRule, "annotations"> & { summary: string; description: string }): AlertRule => ({
    alert: r.alert,
    expr: r.expr,
    for: r.for,
    labels: r.labels,
    annotations: { summary: r.summary, description: r.description, runbook_url: runbook },
  });
  return [
    rule({
      alert: "MLModelHighLatencyP99",
      expr: `histogram_quantile(0.99, sum by (le, model_name) (rate(${F.latency.name}_bucket[5m]))) > 0.5`,
      for: "5m",
      labels: { severity: "warning" },
      summary: "{{ $labels.model_name }}: p99 latency above 500 ms",
      description: "The 99th percentile of {{ $labels.model_name }}'s prediction latency has been {{ $value | humanizeDuration }} over the last 5 minutes (threshold 500 ms).",
    }),
    rule({
      alert: "MLModelHighErrorRate",
      expr: `${errorRatio("5m")} > 0.01`,
      for: "5m",
      labels: { severity: "warning" },
      summary: "{{ $labels.model_name }}: more than 1 % of predictions fail",
      description: "{{ $value | humanizePercentage }} of {{ $labels.model_name }}'s predictions failed over the last 5 minutes (threshold 1 %).",
    }),
    rule({
      alert: "MLModelPredictionSkew",
      expr: `sum by (model_name, predicted_class) (rate(${F.classes.name}_total[15m])) / ignoring (predicted_class) group_left sum by (model_name) (rate(${F.classes.name}_total[15m])) - on (model_name, predicted_class) max by (model_name, predicted_class) (${F.referenceClassShare.name}) > ${SKEW_RISE}`,
      for: "10m",
      labels: { severity: "warning" },
      summary: "{{ $labels.model_name }}: {{ $labels.predicted_class }} predicted far more often than in the reference",
      description: `{{ $labels.predicted_class }}'s share of {{ $labels.model_name }}'s predictions over the last 15 minutes is {{ $value | humanizePercentage }} above its share in the reference (threshold ${SKEW_RISE * 100} points): a stuck model or a skewed input.`,
    }),
    rule({
      alert: "MLModelLowConfidence",
      expr: `histogram_quantile(0.25, sum by (le, model_name) (rate(${F.confidence.name}_bucket[15m]))) < 0.6`,
      for: "15m",
      labels: { severity: "info" },
      summary: "{{ $labels.model_name }}: a quarter of predictions below 0.6 confidence",
      description: "The 25th percentile of {{ $labels.model_name }}'s confidence has been {{ printf \"%.2f\" $value }} over the last 15 minutes (threshold 0.6).",
    }),
    rule({
      alert: "MLModelNoRequests",
      expr: `sum by (model_name) (increase(${requests}[5m])) == 0`,
      for: "1m",
      labels: { severity: "critical" },
      summary: "{{ $labels.model_name }}: no predictions for 5 minutes",
      description: "Driftwatch has stored no prediction of {{ $labels.model_name }} for 5 minutes: the service or its reporting is down.",
    }),
    rule({
      alert: "MLModelAccuracyBelowTarget",
      expr: `${F.accuracy.name} < ${ACCURACY_TARGET} and on (model_name) ${F.labelled.name} >= ${MIN_LABELLED}`,
      for: "0m",
      labels: { severity: "warning" },
      summary: "{{ $labels.model_name }}: accuracy below 80 %",
      description: `{{ $labels.model_name }}'s accuracy over its performance window is {{ $value | humanizePercentage }} (target ${ACCURACY_TARGET * 100} %, at least ${MIN_LABELLED} labelled predictions).`,
    }),
    rule({
      alert: "MLModelDatasetDrift",
      expr: `${F.datasetDrift.name} == 1`,
      for: "0m",
      labels: { severity: "warning" },
      summary: "{{ $labels.model_name }}: its inputs drifted from the reference",
      description: "Driftwatch's dataset drift alarm is raised for {{ $labels.model_name }} over its drift window (the last full hours); its drift page shows which features moved.",
    }),
    rule({
      alert: "MLFeatureDrift",
      expr: `${F.driftDetected.name} == 1`,
      for: "0m",
      labels: { severity: "info" },
      summary: "{{ $labels.model_name }}: feature {{ $labels.feature_name }} drifted",
      description: "Feature {{ $labels.feature_name }} of {{ $labels.model_name }} drifted from the reference in the model's drift window.",
    }),
    rule({
      alert: "MLModelErrorBudgetFastBurn",
      expr: `${errorRatio("1h")} > ${burn(14.4)} and ${errorRatio("5m")} > ${burn(14.4)}`,
      for: "2m",
      labels: { severity: "critical" },
      summary: "{{ $labels.model_name }}: error budget burning 14.4× too fast",
      description: "{{ $labels.model_name }} fails {{ $value | humanizePercentage }} of its predictions over 1 hour (and the last 5 minutes): at this rate the 30-day error budget of a 99 % objective is gone in 2 days.",
    }),
    rule({
      alert: "MLModelErrorBudgetSlowBurn",
      expr: `${errorRatio("6h")} > ${burn(6)} and ${errorRatio("30m")} > ${burn(6)}`,
      for: "15m",
      labels: { severity: "warning" },
      summary: "{{ $labels.model_name }}: error budget burning 6× too fast",
      description: "{{ $labels.model_name }} fails {{ $value | humanizePercentage }} of its predictions over 6 hours (and the last 30 minutes): at this rate the 30-day error budget of a 99 % objective is gone in 5 days.",
    }),
  ];
}

/** The rules file Prometheus loads (`rule_files`), as YAML. */
export function alertRulesYaml(baseUrl: string): string {
  const header = [
    "# Driftwatch alerting rules for Prometheus, on the families of Driftwatch's /metrics.",
    `# Thresholds are Driftwatch's defaults (accuracy target ${ACCURACY_TARGET}, availability objective ${100 - ERROR_BUDGET * 100} %): edit them to taste.`,
    "# Check with `promtool check rules`; Driftwatch's repository has a `promtool test rules` file for them.",
    "",
  ].join("\n");
  return header + stringify({ groups: [{ name: "driftwatch", rules: alertRules(baseUrl) }] }, { lineWidth: 0 });
}
