/*
 * A model's status on the overview, from its headline numbers. The rules are data, the same thresholds as the
 * default alert rules DESIGN.md names (error rate above 1 %, p99 latency above 500 ms), so alerting can grow its
 * rules from them. Pure: no I/O, no clock.
 */

export const MODEL_STATUSES = ["critical", "warning", "healthy", "no_data"] as const;
export type ModelStatus = (typeof MODEL_STATUSES)[number];

/** The numbers the rules read (lib/queries/listModels.ts computes them over the current hour and the 23 before). */
export type StatusInput = { requests: number; errorRate: number | null; latencyP99Ms: number | null };

export type StatusRule = {
  metric: "errorRate" | "latencyP99Ms";
  /** the rule holds when the metric is strictly above this */
  above: number;
  status: "critical" | "warning";
  reason: string;
};

/** Per metric, the most severe rule first: a metric contributes the first of its rules that holds. */
export const STATUS_RULES: readonly StatusRule[] = [
  { metric: "errorRate", above: 0.05, status: "critical", reason: "error rate above 5 %" },
  { metric: "errorRate", above: 0.01, status: "warning", reason: "error rate above 1 %" },
  { metric: "latencyP99Ms", above: 500, status: "warning", reason: "p99 latency above 500 ms" },
];

/** Worse statuses sort first (critical, warning, healthy, no data). */
export const statusRank = (s: ModelStatus) => MODEL_STATUSES.indexOf(s);

/**
 * The status and its reasons: no_data without requests; otherwise the worst status any rule gives (healthy when
 * none holds), with the reasons of every rule that decided, in rule order.
 */
export function statusOf(h: StatusInput, rules: readonly StatusRule[] = STATUS_RULES): { status: ModelStatus; reasons: string[] } {
  if (h.requests === 0) return { status: "no_data", reasons: ["no requests in 24 h"] };
  let status: ModelStatus = "healthy";
  const reasons: string[] = [];
  const decided = new Set<StatusRule["metric"]>();
  for (const rule of rules) {
    if (decided.has(rule.metric)) continue;
    const value = h[rule.metric];
    if (value === null || !(value > rule.above)) continue;
    decided.add(rule.metric);
    reasons.push(rule.reason);
    if (statusRank(rule.status) < statusRank(status)) status = rule.status;
  }
  return { status, reasons };
}
