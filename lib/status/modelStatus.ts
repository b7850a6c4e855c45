/*
 * A model's status on the overview and in GET /api/v1/models, from its headline numbers and its firing alerts. The rules are data, the same thresholds as the
 * default alert rules DESIGN.md names (error rate above 1 %, p99 latency above 500 ms), so alerting can grow its
 * rules from them. Pure: no I/O, no clock.
 */

export const MODEL_STATUSES = ["critical", "warning", "healthy", "no_data"] as const;
export type ModelStatus = (typeof MODEL_STATUSES)[number];

/** The alerts firing on a model now (lib/alerts/evaluate/timeline.ts firingByModel): how many, the worst severity. */
export type FiringInput = { count: number; severity: string; names: string[] };

/**
 * The numbers the rules read (lib/queries/listModels.ts computes them over the current hour and the 23 before), and
 * the model's firing alerts: a model with an alert firing is not healthy, whatever its 24-hour numbers say.
 */
export type StatusInput = { requests: number; errorRate: number | null; latencyP99Ms: number | null; firing?: FiringInput | null };

/** Alert severities that make a model critical (the rules' `critical`, an SLO's `page`); the others warn. */
const CRITICAL_SEVERITIES = new Set(["critical", "page"]);

/** The reason a model's firing alerts give, as the overview writes it: "1 alert firing · warning". */
export const firingReason = (f: FiringInput) => `${f.count} ${f.count === 1 ? "alert" : "alerts"} firing · ${f.severity}`;

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
 * The status and its reasons: no_data without requests; otherwise the worst status any rule or the firing alerts
 * give (healthy when none holds and nothing fires), with the reasons of every rule that decided, in rule order, then
 * the alerts'. Firing alerts make a model critical (severity critical or page) or warning (any other), also one
 * without requests.
 */
export function statusOf(h: StatusInput, rules: readonly StatusRule[] = STATUS_RULES): { status: ModelStatus; reasons: string[] } {
  const firing = h.firing && h.firing.count > 0 ? h.firing : null;
  const alertStatus: ModelStatus = firing && CRITICAL_SEVERITIES.has(firing.severity) ? "critical" : "warning";
  if (h.requests === 0) {
    // no traffic: no_data, unless an alert fires (NoRequests, an SLO's burn…): then the alert's status
    return firing ? { status: alertStatus, reasons: ["no requests in 24 h", firingReason(firing)] } : { status: "no_data", reasons: ["no requests in 24 h"] };
  }
  let status: ModelStatus = firing ? alertStatus : "healthy";
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
  if (firing) reasons.push(firingReason(firing));
  return { status, reasons };
}
