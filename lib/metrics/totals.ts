import "server-only";
import { Prisma, rawQuery } from "../db/client";
import type { TotalsModel, TotalsRow } from "./counters";

/**
 * Every model version's all-time totals and corrections (rollup levels "t" and "r"), with each model's task and
 * classes, in one statement (one snapshot: no counter is read before and another after a write). The cost
 * follows the number of versions, not of events or hours kept.
 */
export async function readTotals(): Promise<{ rows: TotalsRow[]; models: Map<string, TotalsModel> }> {
  const rows = await rawQuery<{ model_id: string; version: string; level: "t" | "r" | null; data: TotalsRow["data"] | null; task: string; classes: string[] | null }>(Prisma.sql`
    SELECT m.id AS model_id, m.task, m.classes, r.version, r.level, r.data
    FROM models m
    LEFT JOIN rollups r ON r.model_id = m.id AND r.level IN ('t', 'r') AND r.bucket = to_timestamp(0)
    ORDER BY m.id, r.version, r.level`);
  const models = new Map<string, TotalsModel>();
  const out: TotalsRow[] = [];
  for (const r of rows) {
    models.set(r.model_id, { task: r.task, classes: r.classes ?? [] });
    if (r.level && r.data) out.push({ model: r.model_id, version: r.version, level: r.level, data: r.data });
  }
  return { rows: out, models };
}
