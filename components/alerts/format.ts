/**
 * How the alerts page writes a rule's values (pure, shared by the page's components and the e2e spec that checks
 * the page against the API): the number the API answers, in the metric's unit, to 4 significant digits.
 */

/** Metrics whose values are shares (0–1), written as percentages. */
const SHARES = new Set(["error_rate", "accuracy", "drift_share", "missing_rate", "class_share", "class_share_shift"]);

/** What each rule metric is called, on the alerts page and the model page alike (components/model/alertFormat.ts). */
export const METRIC_LABELS: Record<string, string> = {
  error_rate: "error rate",
  latency_p50: "p50 latency",
  latency_p95: "p95 latency",
  latency_p99: "p99 latency",
  requests: "requests",
  accuracy: "accuracy",
  mae: "MAE",
  drift_share: "drifted features",
  missing_rate: "missing share",
  class_share: "top class share",
  class_share_shift: "class share above reference",
  confidence_p25: "p25 confidence",
};

export const COMPARISON_LABELS: Record<string, string> = {
  ">": "above",
  "<": "below",
  increase_pct: "rises by more than (% of previous window)",
  decrease_pct: "drops by more than (% of previous window)",
};

const sig = (x: number) => Number(x.toPrecision(4)).toLocaleString("en-US", { maximumFractionDigits: 6 });

const isRelative = (comparison: string) => comparison === "increase_pct" || comparison === "decrease_pct";

/** A rule's value or threshold in its unit: "3.125 %", "512 ms", "42", "0.58"; relative rules: "+35.2 %". */
export function metricValue(metric: string, comparison: string, x: number | null): string {
  if (x === null) return "no value";
  if (isRelative(comparison)) return `${x >= 0 ? "+" : "−"}${sig(Math.abs(x))} %`;
  if (metric === "burn_rate") return `${sig(x)}× burn`;
  if (SHARES.has(metric)) return `${sig(x * 100)} %`;
  if (metric.startsWith("latency_")) return `${sig(x * 1000)} ms`;
  return sig(x);
}

/** "error rate > 1 %", "p99 latency > 500 ms", "requests rises by more than 50 %". */
export function conditionText(rule: { metric: string; comparison: string; threshold: number }): string {
  const m = METRIC_LABELS[rule.metric] ?? rule.metric;
  const t = metricValue(rule.metric, rule.comparison, rule.threshold);
  if (rule.comparison === "increase_pct") return `${m} rises > ${t.slice(1)}`;
  if (rule.comparison === "decrease_pct") return `${m} drops > ${t.slice(1)}`;
  return `${m} ${rule.comparison} ${t}`;
}

/** What the threshold field means in the editor for this metric and comparison. */
export function thresholdHint(metric: string, comparison: string): string {
  if (isRelative(comparison)) return "percent of the previous window's value (50 = 50 %)";
  if (SHARES.has(metric) || metric === "confidence_p25") return "a share from 0 to 1 (0.01 = 1 %)";
  if (metric.startsWith("latency_")) return "seconds (0.5 = 500 ms)";
  if (metric === "requests") return "requests in the window";
  return "the metric's own unit";
}

/** 3_600_000 → "1 h", 5_400_000 → "1 h 30 min", 45_000 → "45 s". */
export function spanText(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

/** The alerts tab's groups (a firing alert an active silence mutes is "silenced"). */
export const ALERT_GROUPS = ["firing", "pending", "silenced", "resolved"] as const;
export type AlertGroup = (typeof ALERT_GROUPS)[number] | "inactive";

/**
 * The matchers that silence exactly one alert: every label it carries (alertname, model_name first, then the rest by
 * name — severity, an SLO alert's slo and windows, the rule's own labels), so a silence made from it mutes that
 * alert and not another rule's or SLO row's that shares its alertname.
 */
export function alertMatchers(labels: Record<string, string>): { name: string; value: string }[] {
  const first = ["alertname", "model_name"];
  const names = [...first.filter((n) => n in labels), ...Object.keys(labels).filter((n) => !first.includes(n)).sort()];
  return names.map((name) => ({ name, value: labels[name] }));
}

/** /alerts with its filters: the state group and the model (both kept in the URL). */
export function alertsHref(filter: { model?: string | null; state?: string | null }): string {
  const q = new URLSearchParams();
  if (filter.state) q.set("state", filter.state);
  if (filter.model) q.set("model", filter.model);
  const qs = q.toString();
  return qs ? `/alerts?${qs}` : "/alerts";
}

/** The link that opens the silence form prefilled with matchers for these labels. */
export function silenceHref(matchers: { name: string; value: string }[]): string {
  const q = new URLSearchParams({ tab: "silences" });
  for (const m of matchers) q.append("m", `${m.name}=${m.value}`);
  return `/alerts?${q.toString()}#new-silence`;
}

/** "Would have fired 2 times, 3 hours in total" (the API's summary, with "would have" in front). */
export function wouldHave(summary: string): string {
  return summary.startsWith("never") ? `Would ${summary.replace("never fired", "never have fired")}` : `Would have ${summary}`;
}
