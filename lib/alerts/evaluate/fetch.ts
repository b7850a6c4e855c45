/**
 * What an evaluation reads: the models (task, classes, current reference), the rollup rows of the rules' windows
 * and the references' profiles. Rollups only, never raw events; rows are read by primary-key ranges.
 */
import { getDb, Prisma, rawQuery } from "../../db/client";
import type { ReferenceProfile } from "../../models/references/profile";
import { ALL_SEGMENTS, ALL_VERSIONS } from "../../rollups/batch";
import { positiveClassOf } from "../../rollups/context";
import type { Doc } from "../../rollups/documents";
import type { SummaryModel } from "../../rollups/summarise";
import type { Interval } from "../slo/windows";
import type { FeatureRow, MetricRow } from "./windows";

export type EvalModel = SummaryModel & { id: string; ref: { id: string; created: Date } | null };

/** Models (all, or those named) with what summaries need and their current reference (the one rollups bin on). */
export async function loadModels(ids: string[] | null): Promise<EvalModel[]> {
  const where = ids === null ? Prisma.empty : Prisma.sql`WHERE m.id = ANY(${ids})`;
  const rows = await rawQuery<{ id: string; task: string; classes: string[] | null; positive_class: string | null; ref_id: string | null; ref_created: Date | null }>(Prisma.sql`
    SELECT m.id, m.task, m.classes, m.positive_class, r.id::text AS ref_id, r.created_at AS ref_created
    FROM models m
    LEFT JOIN LATERAL (
      SELECT id, created_at FROM reference_sets s
      WHERE s.model_id = m.id AND s.status = 'ready' AND s.profile IS NOT NULL
      ORDER BY (s.version = '') DESC, s.created_at DESC LIMIT 1
    ) r ON true
    ${where}
    ORDER BY m.id`);
  return rows.map((m) => {
    const classes = m.classes ?? [];
    return {
      id: m.id,
      task: m.task,
      classes,
      positiveClass: positiveClassOf(m.task, m.positive_class, classes),
      ref: m.ref_id && m.ref_created ? { id: m.ref_id, created: new Date(m.ref_created) } : null,
    };
  });
}

// Reference profiles never change once ready: kept per process, keyed by id and creation time.
const g = globalThis as typeof globalThis & { __driftwatchAlertProfiles?: Map<string, ReferenceProfile> };
const profiles: Map<string, ReferenceProfile> = (g.__driftwatchAlertProfiles ??= new Map());
const MAX_PROFILES = 1000;
const profileKey = (r: { id: string; created: Date }) => `${r.id}:${r.created.getTime()}`;

/** The profiles of the models' current references, by model id. */
export async function loadProfiles(models: readonly EvalModel[]): Promise<Map<string, ReferenceProfile>> {
  const missing = models.flatMap((m) => (m.ref && !profiles.has(profileKey(m.ref)) ? [m.ref.id] : []));
  if (missing.length > 0) {
    const rows = await getDb().$queryRaw<{ id: string; created_at: Date; profile: ReferenceProfile }[]>(Prisma.sql`
      SELECT id::text AS id, created_at, profile FROM reference_sets WHERE id = ANY(${missing}::bigint[])`);
    for (const r of rows) {
      if (profiles.size >= MAX_PROFILES) profiles.delete(profiles.keys().next().value!);
      profiles.set(profileKey({ id: r.id, created: r.created_at }), r.profile);
    }
  }
  const out = new Map<string, ReferenceProfile>();
  for (const m of models) {
    const p = m.ref ? profiles.get(profileKey(m.ref)) : undefined;
    if (p) out.set(m.id, p);
  }
  return out;
}

const d = (ms: number) => new Date(ms);

/**
 * The models' metrics rows: all-versions hour rows over `hours`, minute rows (every version and segment) over
 * `minutes`, in key order (the order a window's document is merged in; rowCache.ts serves the same rows in it).
 */
export async function fetchMetricRows(modelIds: string[], hours: Interval | null, minutes: Interval[]): Promise<Map<string, MetricRow[]>> {
  const out = new Map<string, MetricRow[]>(modelIds.map((m) => [m, []]));
  if (modelIds.length === 0 || (!hours && minutes.length === 0)) return out;
  const where: Prisma.Sql[] = [];
  if (hours) {
    where.push(Prisma.sql`(level = 'h' AND version = ${ALL_VERSIONS} AND segment = ${ALL_SEGMENTS} AND bucket >= ${d(hours[0])} AND bucket < ${d(hours[1])})`);
  }
  for (const [a, b] of minutes) where.push(Prisma.sql`(level = 'm' AND bucket >= ${d(a)} AND bucket < ${d(b)})`);
  const rows = await rawQuery<{ model_id: string; level: "m" | "h"; bucket: Date; data: Doc }>(Prisma.sql`
    SELECT model_id, level, bucket, data FROM rollups
    WHERE model_id = ANY(${modelIds}) AND (${Prisma.join(where, " OR ")})
    ORDER BY model_id, level, bucket, version, segment`);
  for (const r of rows) out.get(r.model_id)?.push({ level: r.level, bucket: new Date(r.bucket).getTime(), data: r.data });
  return out;
}

/** The models' feature rows binned on their current reference, hours in [from, to), in key order. */
export async function fetchFeatureRows(models: readonly EvalModel[], from: number, to: number): Promise<Map<string, FeatureRow[]>> {
  const withRef = models.filter((m) => m.ref);
  const out = new Map<string, FeatureRow[]>(models.map((m) => [m.id, []]));
  if (withRef.length === 0 || from >= to) return out;
  const json = JSON.stringify(withRef.map((m) => ({ m: m.id, r: m.ref!.id })));
  const rows = await rawQuery<{ model_id: string; bucket: Date; data: Doc }>(Prisma.sql`
    SELECT f.model_id, f.bucket, f.data
    FROM jsonb_to_recordset(${json}::text::jsonb) AS w(m text, r text)
    JOIN feature_rollups f ON f.model_id = w.m AND f.reference_id = w.r::bigint AND f.bucket >= ${d(from)} AND f.bucket < ${d(to)}
    ORDER BY f.model_id, f.bucket, f.version, f.segment`);
  for (const r of rows) out.get(r.model_id)?.push({ bucket: new Date(r.bucket).getTime(), data: r.data });
  return out;
}
