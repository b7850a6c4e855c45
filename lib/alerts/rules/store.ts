import crypto from "node:crypto";
import { z } from "zod";
import { getDb, Prisma } from "../../db/client";
import { notFound, unprocessable, zodIssues } from "../../errors";
import { checkBounds, formatDuration, type CreateRule, type RuleMetric, type UpdateRule } from "./validation";
export { createDefaultRules, defaultRules } from "./defaults";

type Row = Prisma.AlertRuleGetPayload<object>;

/** A rule as the API returns it: durations back in the form they are written ("5m"). */
export type RuleView = {
  id: string;
  name: string;
  model: string | null;
  metric: string;
  comparison: string;
  threshold: number;
  window: string;
  for: string;
  minSamples: number;
  severity: string;
  labels: Record<string, string>;
  enabled: boolean;
  isDefault: boolean;
  createdAt: string;
  updatedAt: string;
};

export function ruleView(r: Row): RuleView {
  return {
    id: r.id,
    name: r.name,
    model: r.modelId,
    metric: r.metric,
    comparison: r.comparison,
    threshold: r.threshold,
    window: formatDuration(r.windowSeconds),
    for: formatDuration(r.forSeconds),
    minSamples: r.minSamples,
    severity: r.severity,
    labels: r.labels as Record<string, string>,
    enabled: r.enabled,
    isDefault: r.isDefault,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

export const newRuleId = () => `ar_${crypto.randomBytes(9).toString("base64url")}`;

async function requireModel(model: string | null, db: Prisma.TransactionClient = getDb()) {
  if (model !== null && !(await db.model.findUnique({ where: { id: model }, select: { id: true } }))) {
    throw notFound(`No model '${model}'.`);
  }
}

export async function createRule(input: CreateRule): Promise<RuleView> {
  await requireModel(input.model);
  const row = await getDb().alertRule.create({
    data: {
      id: newRuleId(),
      name: input.name,
      modelId: input.model,
      metric: input.metric,
      comparison: input.comparison,
      threshold: input.threshold,
      windowSeconds: input.window,
      forSeconds: input.for,
      minSamples: input.minSamples,
      severity: input.severity,
      labels: input.labels,
      enabled: input.enabled,
    },
  });
  return ruleView(row);
}

/** Rules of one model (with the all-models ones when `withGlobal`), or every rule. */
export async function listRules(filter: { model?: string } = {}): Promise<RuleView[]> {
  const rows = await getDb().alertRule.findMany({
    where: filter.model !== undefined ? { OR: [{ modelId: filter.model }, { modelId: null }] } : {},
    orderBy: [{ modelId: "asc" }, { name: "asc" }, { id: "asc" }],
  });
  return rows.map(ruleView);
}

export async function getRule(id: string): Promise<RuleView> {
  const row = await getDb().alertRule.findUnique({ where: { id } });
  if (!row) throw notFound(`No alert rule '${id}'.`);
  return ruleView(row);
}

export async function updateRule(id: string, patch: UpdateRule): Promise<RuleView> {
  const db = getDb();
  const row = await db.alertRule.findUnique({ where: { id } });
  if (!row) throw notFound(`No alert rule '${id}'.`);
  const merged = {
    metric: (patch.metric ?? row.metric) as RuleMetric,
    comparison: patch.comparison ?? (row.comparison as CreateRule["comparison"]),
    threshold: patch.threshold ?? row.threshold,
  };
  const bounds = z.object({}).passthrough().superRefine((_, ctx) => checkBounds(merged, ctx)).safeParse({});
  if (!bounds.success) throw unprocessable("The rule is not valid.", zodIssues(bounds.error));
  if (patch.model !== undefined) await requireModel(patch.model);
  const updated = await db.alertRule.update({
    where: { id },
    data: {
      name: patch.name,
      modelId: patch.model,
      metric: patch.metric,
      comparison: patch.comparison,
      threshold: patch.threshold,
      windowSeconds: patch.window,
      forSeconds: patch.for,
      minSamples: patch.minSamples,
      severity: patch.severity,
      labels: patch.labels,
      enabled: patch.enabled,
    },
  });
  return ruleView(updated);
}

export async function deleteRule(id: string): Promise<void> {
  const { count } = await getDb().alertRule.deleteMany({ where: { id } });
  if (count === 0) throw notFound(`No alert rule '${id}'.`);
}

