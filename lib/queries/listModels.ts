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
  // Totals from hourly rollups, the last 24 hours from minute rollups, the last event from the (model_id, ts)
  // index: the cost follows the number of buckets, not of stored events.
  const rows = await getDb().$queryRaw<
    { id: string; name: string; task: string; auto_registered: boolean; created_at: Date; events: number; last: Date | null; requests: number; errors: number }[]
  >(Prisma.sql`
    SELECT m.id, m.name, m.task, m.auto_registered, m.created_at,
           coalesce(a.events, 0)::float8 AS events,
           (SELECT max(e.ts) FROM prediction_events e WHERE e.model_id = m.id) AS last,
           coalesce(r.requests, 0)::float8 AS requests, coalesce(r.errors, 0)::float8 AS errors
    FROM models m
    LEFT JOIN LATERAL (
      SELECT sum((data ->> 'n')::numeric) AS events FROM rollups WHERE model_id = m.id AND level = 'h'
    ) a ON true
    LEFT JOIN LATERAL (
      SELECT sum((data ->> 'n')::numeric) AS requests, sum(coalesce((data ->> 'err')::numeric, 0)) AS errors
      FROM rollups WHERE model_id = m.id AND level = 'm' AND bucket >= ${since} AND bucket < ${now}
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
