import "server-only";
import { Prisma, rawQuery } from "../db/client";
import { storedEventsSql } from "./fetchRollups";

export type ModelDetail = {
  id: string;
  name: string;
  description: string;
  task: string;
  positiveClass: string | null;
  classes: string[];
  features: {
    name: string;
    type: string;
    min: number | null;
    max: number | null;
    allowed: unknown[] | null;
    importance: number | null;
    /** false for features only seen in events, not declared in the model's definition */
    declared: boolean;
  }[];
  drift: unknown;
  windows: unknown;
  autoRegistered: boolean;
  createdAt: string;
  updatedAt: string;
  versions: { version: string; firstSeen: string }[];
  reference: { id: string; version: string; rows: number; source: unknown; createdAt: string } | null;
  /** `labels` (all stored labels, matched or pending) is null unless asked for: it costs a count over the labels */
  counts: { events: number; labels: number | null; labelled: number };
  lastEventAt: string | null;
};

type Row = {
  id: string;
  name: string;
  description: string;
  task: string;
  positive_class: string | null;
  classes: string[];
  drift_settings: unknown;
  windows: unknown;
  auto_registered: boolean;
  created_ms: number;
  updated_ms: number;
  features: { name: string; type: string; min: number | null; max: number | null; allowed: unknown[] | null; importance: number | null; inferred: boolean }[];
  versions: { version: string; ms: number }[];
  reference: { id: string; version: string; rows: number; source: unknown; ms: number } | null;
  events: number;
  labelled: number;
  last: Date | null;
};

const ms = (col: string) => Prisma.raw(`(extract(epoch FROM ${col}) * 1000)::float8`);

/**
 * One model with its features, versions, current reference and stored counts; null if it does not exist. One raw
 * statement: through Prisma, the model with three relations and then the counts cost 40–160 ms of the server's
 * CPU on the loaded 2-core machine, and the model page waits for this header before any chart starts.
 */
export async function getModel(id: string, options: { labels?: boolean } = { labels: true }): Promise<ModelDetail | null> {
  // labelled predictions from the versions' all-time totals (rollup level "t", one row per version): the same
  // number as joining labels to events, without the join (seconds at millions of labels)
  const [[m], labelRows] = await Promise.all([
    rawQuery<Row>(Prisma.sql`
      SELECT m.id, m.name, m.description, m.task, m.positive_class, m.classes, m.drift_settings, m.windows, m.auto_registered,
             ${ms("m.created_at")} AS created_ms, ${ms("m.updated_at")} AS updated_ms,
             coalesce((SELECT json_agg(json_build_object('name', f.name, 'type', f.type, 'min', f.min, 'max', f.max, 'allowed', f.allowed,
                                                         'importance', f.importance, 'inferred', f.inferred) ORDER BY f.inferred, f.position, f.name)
                       FROM features f WHERE f.model_id = m.id), '[]'::json) AS features,
             coalesce((SELECT json_agg(json_build_object('version', v.version, 'ms', ${ms("v.first_seen")}) ORDER BY v.first_seen, v.version)
                       FROM model_versions v WHERE v.model_id = m.id), '[]'::json) AS versions,
             -- the current reference without its profile (bins, counts and moments of every feature): not shown
             (SELECT json_build_object('id', r.id::text, 'version', r.version, 'rows', r.row_count, 'source', r.source, 'ms', ${ms("r.created_at")})
              FROM reference_sets r WHERE r.model_id = m.id AND r.status = 'ready' ORDER BY r.created_at DESC LIMIT 1) AS reference,
             ${storedEventsSql(Prisma.raw("m.id"))} AS events,
             (SELECT coalesce(sum((r.data->>'ln')::float8), 0)::float8 FROM rollups r
               WHERE r.model_id = m.id AND r.level = 't' AND r.bucket = to_timestamp(0)) AS labelled,
             (SELECT max(ts) FROM prediction_events WHERE model_id = m.id) AS last
      FROM models m WHERE m.id = ${id}`),
    // every stored label, joined or still waiting for its prediction: an index count, so only when asked
    options.labels ? rawQuery<{ n: number }>(Prisma.sql`SELECT count(*)::int AS n FROM labels WHERE model_id = ${id}`) : Promise.resolve(null),
  ]);
  if (!m) return null;
  const iso = (t: number) => new Date(t).toISOString();
  return {
    id: m.id,
    name: m.name,
    description: m.description,
    task: m.task,
    positiveClass: m.positive_class,
    classes: m.classes,
    features: m.features.map((f) => ({
      name: f.name,
      type: f.type,
      min: f.min,
      max: f.max,
      allowed: f.allowed ?? null,
      importance: f.importance,
      declared: !f.inferred,
    })),
    drift: m.drift_settings,
    windows: m.windows,
    autoRegistered: m.auto_registered,
    createdAt: iso(m.created_ms),
    updatedAt: iso(m.updated_ms),
    versions: m.versions.map((v) => ({ version: v.version, firstSeen: iso(v.ms) })),
    reference: m.reference
      ? { id: m.reference.id, version: m.reference.version, rows: m.reference.rows, source: m.reference.source, createdAt: iso(m.reference.ms) }
      : null,
    counts: { events: m.events, labels: labelRows ? labelRows[0].n : null, labelled: m.labelled },
    lastEventAt: m.last ? m.last.toISOString() : null,
  };
}
