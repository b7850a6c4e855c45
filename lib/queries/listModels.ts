import "server-only";
import { getDb, Prisma } from "../db";

export type ModelStatus = "healthy" | "warning" | "critical" | "no_data";

export type ModelSummary = {
  id: string;
  name: string;
  task: string;
  autoRegistered: boolean;
  createdAt: string;
  status: ModelStatus;
  /** all events stored for the model */
  events: number;
  lastEventAt: string | null;
  /** the last 24 hours before `now` */
  last24h: { requests: number; errors: number; errorRate: number | null };
};

/**
 * Every model with its headline numbers. Status is `no_data` without events in the last 24 hours and `healthy`
 * otherwise until alert rules exist to say warning or critical.
 */
export async function listModels(now = new Date()): Promise<ModelSummary[]> {
  const since = new Date(now.getTime() - 24 * 3600 * 1000);
  const rows = await getDb().$queryRaw<
    { id: string; name: string; task: string; auto_registered: boolean; created_at: Date; events: number; last: Date | null; requests: number; errors: number }[]
  >(Prisma.sql`
    SELECT m.id, m.name, m.task, m.auto_registered, m.created_at,
           coalesce(a.events, 0)::int AS events, a.last,
           coalesce(r.requests, 0)::int AS requests, coalesce(r.errors, 0)::int AS errors
    FROM models m
    LEFT JOIN LATERAL (
      SELECT count(*) AS events, max(ts) AS last FROM prediction_events e WHERE e.model_id = m.id
    ) a ON true
    LEFT JOIN LATERAL (
      SELECT count(*) AS requests, count(*) FILTER (WHERE error_type IS NOT NULL) AS errors
      FROM prediction_events e WHERE e.model_id = m.id AND e.ts >= ${since} AND e.ts < ${now}
    ) r ON true
    ORDER BY m.id`);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    task: r.task,
    autoRegistered: r.auto_registered,
    createdAt: r.created_at.toISOString(),
    status: r.requests > 0 ? "healthy" : "no_data",
    events: r.events,
    lastEventAt: r.last ? r.last.toISOString() : null,
    last24h: { requests: r.requests, errors: r.errors, errorRate: r.requests > 0 ? r.errors / r.requests : null },
  }));
}
