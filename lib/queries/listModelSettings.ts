import "server-only";
import { getDb, Prisma } from "../db/client";

export type ModelSettingsRow = {
  id: string;
  name: string;
  task: string;
  autoRegistered: boolean;
  /** declared features (the definition) and all features, declared or only seen in events */
  features: { declared: number; total: number };
  reference: { rows: number; createdAt: string } | null;
  /** raw events before this were deleted by retention (null: none deleted) */
  rawPrunedBefore: string | null;
};

/** Every model with what Settings lists about it: feature counts and its current (model-wide, else newest) reference. */
export async function listModelSettings(): Promise<ModelSettingsRow[]> {
  const rows = await getDb().$queryRaw<
    { id: string; name: string; task: string; auto_registered: boolean; declared: number; total: number; ref_rows: number | null; ref_at: Date | null; pruned: Date | null }[]
  >(Prisma.sql`
    SELECT m.id, m.name, m.task, m.auto_registered, m.raw_pruned_before AS pruned,
           (SELECT count(*) FILTER (WHERE NOT f.inferred)::int FROM features f WHERE f.model_id = m.id) AS declared,
           (SELECT count(*)::int FROM features f WHERE f.model_id = m.id) AS total,
           r.row_count AS ref_rows, r.created_at AS ref_at
    FROM models m
    LEFT JOIN LATERAL (
      SELECT row_count, created_at FROM reference_sets s
      WHERE s.model_id = m.id AND s.status = 'ready' ORDER BY (s.version = '') DESC, s.created_at DESC LIMIT 1
    ) r ON true
    ORDER BY m.id`);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    task: r.task,
    autoRegistered: r.auto_registered,
    features: { declared: r.declared, total: r.total },
    reference: r.ref_rows === null || r.ref_at === null ? null : { rows: r.ref_rows, createdAt: r.ref_at.toISOString() },
    rawPrunedBefore: r.pruned ? r.pruned.toISOString() : null,
  }));
}
