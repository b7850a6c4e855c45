import crypto from "node:crypto";
import { Prisma } from "../../db/client";
import type { CreateRule } from "./validation";

const newId = () => `ar_${crypto.randomBytes(9).toString("base64url")}`;

type DefaultRule = Omit<CreateRule, "model" | "labels" | "enabled">;

/**
 * The seeds' rule set (DESIGN.md §Alerts) for a new model of `task`: p99 latency > 500 ms for 5 m, error rate > 1 %,
 * a class's share of the predictions 20 points above its share in the reference (a model whose top class is 97 % by
 * nature is not skewed; one that collapses onto a class is; no reference, no verdict), p25 confidence < 0.6, no requests for 5 m, accuracy below target (0.9; MAE has no
 * universal target, so regressions get none), drift (over 30 % of features drifted in the last hour).
 */
export function defaultRules(task: string): DefaultRule[] {
  const classifier = task !== "regression";
  const rules: DefaultRule[] = [
    { name: "HighLatencyP99", metric: "latency_p99", comparison: ">", threshold: 0.5, window: 300, for: 300, minSamples: 20, severity: "warning" },
    { name: "HighErrorRate", metric: "error_rate", comparison: ">", threshold: 0.01, window: 300, for: 0, minSamples: 100, severity: "critical" },
    { name: "NoRequests", metric: "requests", comparison: "<", threshold: 1, window: 300, for: 0, minSamples: 0, severity: "critical" },
    { name: "FeatureDrift", metric: "drift_share", comparison: ">", threshold: 0.3, window: 3600, for: 0, minSamples: 0, severity: "warning" },
  ];
  if (classifier) {
    rules.push(
      { name: "PredictionSkew", metric: "class_share_shift", comparison: ">", threshold: 0.2, window: 3600, for: 0, minSamples: 100, severity: "warning" },
      { name: "LowConfidence", metric: "confidence_p25", comparison: "<", threshold: 0.6, window: 3600, for: 0, minSamples: 100, severity: "warning" },
      { name: "LowAccuracy", metric: "accuracy", comparison: "<", threshold: 0.9, window: 86400, for: 0, minSamples: 100, severity: "warning" },
    );
  }
  return rules;
}

/** Creates the default rules of a just-created model (inside its creating transaction). */
export async function createDefaultRules(tx: Prisma.TransactionClient, modelId: string, task: string): Promise<void> {
  await tx.alertRule.createMany({
    data: defaultRules(task).map((r) => ({
      id: newId(),
      name: r.name,
      modelId,
      metric: r.metric,
      comparison: r.comparison,
      threshold: r.threshold,
      windowSeconds: r.window,
      forSeconds: r.for,
      minSamples: r.minSamples,
      severity: r.severity,
      isDefault: true,
    })),
  });
}

/** The same default rules as one INSERT, for models created inside ingest's transaction (raw SQL there). */
export function defaultRulesSql(models: { id: string; task: string }[]): Prisma.Sql {
  const rows = models.flatMap((m) =>
    defaultRules(m.task).map(
      (r) =>
        Prisma.sql`(${newId()}, ${r.name}, ${m.id}, ${r.metric}, ${r.comparison}, ${r.threshold}, ${r.window}, ${r.for}, ${r.minSamples}, ${r.severity}, true, now())`,
    ),
  );
  return Prisma.sql`
    INSERT INTO alert_rules (id, name, model_id, metric, comparison, threshold, window_seconds, for_seconds, min_samples, severity, is_default, updated_at)
    VALUES ${Prisma.join(rows)}`;
}
