import "server-only";
import { getDb, Prisma, rawQuery } from "../db/client";
import { driftSettings } from "../drift/windowDrift";
import { DAY, HOUR, MINUTE } from "../domain/time";
import type { ReferenceProfile } from "../models/references/profile";
import { positiveClassOf } from "../rollups/context";
import { ALL_SEGMENTS, ALL_VERSIONS } from "../rollups/batch";
import { type Doc, mergeInto } from "../rollups/documents";
import type { GaugeModel, WindowDocs } from "./gauges";

/** Longest window the gauges read (in hours): each scrape merges every hour of every model's windows. */
export const MAX_WINDOW_HOURS = 168;

/**
 * A model's window setting ("15m", "24h", "7d") in whole hours: rounded up, at least 1, at most MAX_WINDOW_HOURS.
 * Unset or unreadable: 1 hour.
 */
export function windowHours(setting: unknown): number {
  const m = typeof setting === "string" ? /^([1-9]\d{0,4})([mhd])$/.exec(setting) : null;
  if (!m) return 1;
  const ms = Number(m[1]) * { m: MINUTE, h: HOUR, d: DAY }[m[2] as "m" | "h" | "d"];
  return Math.min(MAX_WINDOW_HOURS, Math.max(1, Math.ceil(ms / HOUR)));
}

type ModelRow = {
  id: string;
  task: string;
  classes: string[] | null;
  positive_class: string | null;
  drift_settings: unknown;
  windows: { performance?: unknown; drift?: unknown } | null;
  features: string[] | null;
  ref_id: string | null;
  ref_created: Date | null;
};

// Reference profiles never change once ready: kept per process, keyed by id and creation time.
const g = globalThis as typeof globalThis & { __driftwatchMetricsProfiles?: Map<string, ReferenceProfile> };
const profiles: Map<string, ReferenceProfile> = (g.__driftwatchMetricsProfiles ??= new Map());
const MAX_PROFILES = 1000;

async function loadProfiles(refs: { id: string; created: Date }[]): Promise<Map<string, ReferenceProfile>> {
  const cacheKey = (r: { id: string; created: Date }) => `${r.id}:${r.created.getTime()}`;
  const missing = refs.filter((r) => !profiles.has(cacheKey(r)));
  if (missing.length > 0) {
    const rows = await getDb().$queryRaw<{ id: string; created_at: Date; profile: ReferenceProfile }[]>(Prisma.sql`
      SELECT id::text AS id, created_at, profile FROM reference_sets WHERE id = ANY(${missing.map((r) => r.id)}::bigint[])`);
    for (const r of rows) {
      if (profiles.size >= MAX_PROFILES) profiles.delete(profiles.keys().next().value!);
      profiles.set(cacheKey({ id: r.id, created: r.created_at }), r.profile);
    }
  }
  const out = new Map<string, ReferenceProfile>();
  for (const r of refs) {
    const p = profiles.get(cacheKey(r));
    if (p) out.set(r.id, p);
  }
  return out;
}

/** A model as the gauges see it, its window specification, and a stamp that changes whenever any of its inputs does. */
export type WindowModel = {
  model: Omit<GaugeModel, "profile">;
  ref: { id: string; created: Date } | null;
  /** start of the performance and of the drift window (ms); both end at `end` */
  performanceFrom: number;
  driftFrom: number;
  stamp: string;
};

/**
 * Every model with its windows ending at `end` (a whole hour) and a stamp of everything its gauges are computed
 * from: its definition (row version), features, current reference, window bounds, and the physical versions
 * (ctid, xmin) of the rollup rows inside its windows — PostgreSQL writes a new row version for every update, so
 * the stamp changes whenever a write touches the window. Two queries; no document is read.
 */
export async function readWindowModels(end: number): Promise<WindowModel[]> {
  const models = await getDb().$queryRaw<(ModelRow & { version: string })[]>(Prisma.sql`
    SELECT m.id, m.task, m.classes, m.positive_class, m.drift_settings, m.windows, m.xmin::text AS version,
           (SELECT array_agg(f.name ORDER BY f.inferred, f.position, f.name) FROM features f WHERE f.model_id = m.id) AS features,
           r.id::text AS ref_id, r.created_at AS ref_created
    FROM models m
    LEFT JOIN LATERAL (
      SELECT id, created_at FROM reference_sets s
      WHERE s.model_id = m.id AND s.status = 'ready' AND s.profile IS NOT NULL
      ORDER BY (s.version = '') DESC, s.created_at DESC LIMIT 1
    ) r ON true
    ORDER BY m.id`);
  if (models.length === 0) return [];
  const specs = models.map((m) => {
    const performanceHours = windowHours(m.windows?.performance);
    const driftHours = windowHours(m.windows?.drift);
    return { m, performanceHours, driftHours, performanceFrom: end - performanceHours * HOUR, driftFrom: end - driftHours * HOUR };
  });
  const rows = await rawQuery<{ m: string; stamp: string | null }>(Prisma.sql`
    SELECT w.m, md5(concat_ws('|',
      (SELECT string_agg(x.ctid::text || x.xmin::text, ',' ORDER BY x.bucket) FROM rollups x
        WHERE x.model_id = w.m AND x.level = 'h' AND x.version = ${ALL_VERSIONS} AND x.segment = ${ALL_SEGMENTS}
          AND x.bucket >= to_timestamp(least(w.p, w.d) / 1000.0) AND x.bucket < ${new Date(end)}),
      (SELECT string_agg(y.ctid::text || y.xmin::text, ',' ORDER BY y.bucket, y.version, y.segment) FROM feature_rollups y
        WHERE y.model_id = w.m AND y.reference_id = w.r::bigint AND y.bucket >= to_timestamp(w.d / 1000.0) AND y.bucket < ${new Date(end)})
    )) AS stamp
    FROM ${windowsRecordset(specs.map((s) => ({ id: s.m.id, performanceFrom: s.performanceFrom, driftFrom: s.driftFrom, ref: s.m.ref_id })))}`);
  const stamps = new Map(rows.map((r) => [r.m, r.stamp ?? ""]));
  return specs.map(({ m, performanceHours, driftHours, performanceFrom, driftFrom }) => {
    const classes = m.classes ?? [];
    const ref = m.ref_id && m.ref_created ? { id: m.ref_id, created: m.ref_created } : null;
    return {
      model: {
        id: m.id,
        task: m.task,
        classes,
        positiveClass: positiveClassOf(m.task, m.positive_class, classes),
        features: m.features ?? [],
        driftSettings: driftSettings(m.drift_settings),
        performanceHours,
        driftHours,
      },
      ref,
      performanceFrom,
      driftFrom,
      stamp: JSON.stringify([m.version, m.features, ref?.id, ref?.created.getTime(), end, performanceHours, driftHours, stamps.get(m.id)]),
    };
  });
}

/** The models' windows as a recordset `w(m, p, d, r)`: id, performance and drift window starts (ms), reference id. */
function windowsRecordset(windows: { id: string; performanceFrom: number; driftFrom: number; ref: string | null }[]): Prisma.Sql {
  const json = JSON.stringify(windows.map((w) => ({ m: w.id, p: w.performanceFrom, d: w.driftFrom, r: w.ref ?? "0" })));
  return Prisma.sql`jsonb_to_recordset(${json}::text::jsonb) AS w(m text, p float8, d float8, r text)`;
}

/**
 * The merged documents of the given models' windows ending at `end`: the all-versions metrics hours of the
 * performance and drift windows, and the feature hours of the drift window binned on the current reference (the
 * rows every feature rollup of the model is binned on: publishing re-bins them all); and their references'
 * profiles. Two queries, rows read by primary-key ranges.
 */
export async function readWindowDocs(models: readonly WindowModel[], end: number): Promise<Map<string, { docs: WindowDocs; profile: ReferenceProfile | null }>> {
  const out = new Map<string, { docs: WindowDocs; profile: ReferenceProfile | null }>();
  if (models.length === 0) return out;
  const refs = await loadProfiles(models.flatMap((m) => (m.ref ? [m.ref] : [])));
  const w = windowsRecordset(models.map((m) => ({ id: m.model.id, performanceFrom: m.performanceFrom, driftFrom: m.driftFrom, ref: m.ref?.id ?? null })));
  const [metricRows, featureRows] = await Promise.all([
    rawQuery<{ model_id: string; bucket: Date; data: Doc }>(Prisma.sql`
      SELECT r.model_id, r.bucket, r.data FROM ${w}
      JOIN rollups r ON r.model_id = w.m AND r.level = 'h' AND r.bucket >= to_timestamp(least(w.p, w.d) / 1000.0) AND r.bucket < ${new Date(end)}
        AND r.version = ${ALL_VERSIONS} AND r.segment = ${ALL_SEGMENTS}`),
    rawQuery<{ model_id: string; data: Doc }>(Prisma.sql`
      SELECT f.model_id, f.data FROM ${w}
      JOIN feature_rollups f ON f.model_id = w.m AND f.reference_id = w.r::bigint
        AND f.bucket >= to_timestamp(w.d / 1000.0) AND f.bucket < ${new Date(end)}`),
  ]);
  const byId = new Map(models.map((m) => [m.model.id, m]));
  for (const m of models) out.set(m.model.id, { docs: { performance: {}, driftMetrics: {}, features: {} }, profile: m.ref ? (refs.get(m.ref.id) ?? null) : null });
  for (const r of metricRows) {
    const m = byId.get(r.model_id)!;
    const d = out.get(r.model_id)!.docs;
    const t = r.bucket.getTime();
    // merged into each window's own document: a row may count in both
    if (t >= m.performanceFrom) mergeInto(d.performance, r.data);
    if (t >= m.driftFrom) mergeInto(d.driftMetrics, r.data);
  }
  for (const r of featureRows) mergeInto(out.get(r.model_id)!.docs.features, r.data);
  return out;
}
