import { z } from "zod";

/** Metrics a rule can watch; every one is computed from the rollups (issue #13, DESIGN.md §Alerts). */
export const RULE_METRICS = [
  "error_rate",
  "latency_p50",
  "latency_p95",
  "latency_p99",
  "requests",
  "accuracy",
  "mae",
  "drift_share",
  "missing_rate",
  "class_share",
  "class_share_shift",
  "confidence_p25",
] as const;
export type RuleMetric = (typeof RULE_METRICS)[number];

/** ">" / "<" compare the window's value with the threshold; the relative ones compare it with the previous window
 * (threshold in percent: "increase_pct" 50 fires when the value is more than 1.5× the previous window's). */
export const COMPARISONS = [">", "<", "increase_pct", "decrease_pct"] as const;
export const SEVERITIES = ["warning", "critical"] as const;

const MAX_WINDOW_SECONDS = 30 * 86400;
const MAX_FOR_SECONDS = 7 * 86400;

/** "0s", "30s", "5m", "1h", "7d" → seconds; null when not a duration. */
export function parseDuration(s: string): number | null {
  const m = /^(\d{1,7})(s|m|h|d)$/.exec(s);
  if (!m) return null;
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as "s" | "m" | "h" | "d"];
}

/** Seconds → the shortest exact duration string ("300" → "5m"). */
export function formatDuration(seconds: number): string {
  for (const [unit, size] of [["d", 86400], ["h", 3600], ["m", 60]] as const) {
    if (seconds > 0 && seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}

const duration = (min: number, max: number, what: string) =>
  z.string().transform((s, ctx) => {
    const v = parseDuration(s);
    if (v === null) {
      ctx.addIssue({ code: "custom", message: `${what} must be a duration like "30s", "5m", "1h" or "1d"` });
      return z.NEVER;
    }
    if (v < min || v > max) {
      ctx.addIssue({ code: "custom", message: `${what} must be between ${formatDuration(min)} and ${formatDuration(max)}` });
      return z.NEVER;
    }
    return v;
  });

const labelName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, "must be a label name ([a-zA-Z_][a-zA-Z0-9_]*)");
/** Labels the evaluator sets itself; a rule cannot override them. */
const RESERVED = new Set(["alertname", "model_name", "severity"]);

const ruleFields = {
  name: z.string().trim().min(1).max(100).regex(/^[A-Za-z0-9_.:-]+$/, "must be letters, digits, _ . : - (it becomes the alertname label)"),
  model: z.string().min(1).max(200).nullable(),
  metric: z.enum(RULE_METRICS),
  comparison: z.enum(COMPARISONS),
  threshold: z.number().finite(),
  window: duration(60, MAX_WINDOW_SECONDS, "window"),
  for: duration(0, MAX_FOR_SECONDS, "for"),
  minSamples: z.number().int().min(0).max(1_000_000_000),
  severity: z.enum(SEVERITIES),
  labels: z
    .record(labelName, z.string().max(1000))
    .refine((l) => Object.keys(l).length <= 20, "at most 20 labels")
    .refine((l) => Object.keys(l).every((k) => !RESERVED.has(k)), "alertname, model_name and severity are set by the rule"),
  enabled: z.boolean(),
};

type Draft = { metric: RuleMetric; comparison: (typeof COMPARISONS)[number]; threshold: number };

/** Bounds that depend on the metric: shares are 0–1, counts and times are ≥ 0, relative changes are percent > 0. */
function checkBounds(r: Partial<Draft>, ctx: z.RefinementCtx) {
  if (r.metric === undefined || r.comparison === undefined || r.threshold === undefined) return;
  if (r.comparison === "increase_pct" || r.comparison === "decrease_pct") {
    const max = r.comparison === "decrease_pct" ? 100 : 100_000;
    if (!(r.threshold > 0 && r.threshold <= max)) {
      ctx.addIssue({ code: "custom", path: ["threshold"], message: `a relative threshold is a percentage in (0, ${max}]` });
    }
    return;
  }
  const share = ["error_rate", "accuracy", "drift_share", "missing_rate", "class_share", "class_share_shift", "confidence_p25"].includes(r.metric);
  if (share && !(r.threshold >= 0 && r.threshold <= 1)) {
    ctx.addIssue({ code: "custom", path: ["threshold"], message: `${r.metric} is a share: the threshold must be between 0 and 1` });
  } else if (!share && r.threshold < 0) {
    ctx.addIssue({ code: "custom", path: ["threshold"], message: `${r.metric} is never negative: the threshold must be ≥ 0` });
  }
}

/** POST /api/v1/alert-rules */
export const createRuleRequest = z
  .strictObject({
    ...ruleFields,
    model: ruleFields.model.default(null),
    for: ruleFields.for.default(0),
    minSamples: ruleFields.minSamples.default(0),
    severity: ruleFields.severity.default("warning"),
    labels: ruleFields.labels.default({}),
    enabled: ruleFields.enabled.default(true),
  })
  .superRefine(checkBounds);

/** PATCH /api/v1/alert-rules/{id}: any subset; the merged rule is checked against the bounds again. */
export const updateRuleRequest = z.strictObject(ruleFields).partial();

export type CreateRule = z.infer<typeof createRuleRequest>;
export type UpdateRule = z.infer<typeof updateRuleRequest>;
export { checkBounds };
