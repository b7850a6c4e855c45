import "server-only";
import { getDb, Prisma, rawQuery } from "../db";
import { driftSettingsOf } from "../drift/computeDrift";
import type { ReferenceProfile } from "../references/profile";
import { positiveClassOf } from "../rollups/context";
import { ALL_SEGMENTS, ALL_VERSIONS } from "../rollups/deltas";
import { type Doc, mergeInto } from "../rollups/format";
import type { GaugeModel, WindowDocs } from "./gauges";

const HOUR = 3_600_000;
/** Longest window the gauges read (in hours): each scrape merges every hour of every model's windows. */
export const MAX_WINDOW_HOURS = 168;

/**
 * A model's window setting ("15m", "24h", "7d") in whole hours: rounded up, at least 1, at most MAX_WINDOW_HOURS.
 * Unset or unreadable: 1 hour.
 */
export function windowHours(setting: unknown): number {
  const m = typeof setting === "string" ? /^([1-9]\d{0,4})([mhd])$/.exec(setting) : null;
  if (!m) return 1;
  const ms = Number(m[1]) * { m: 60_000, h: HOUR, d: 24 * HOUR }[m[2] as "m" | "h" | "d"];
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

/**
 * Every model with its windows ending at `end` (a whole hour) and their merged documents: the all-versions
 * metrics hours of the performance and drift windows, and the feature hours of the drift window binned on the
 * current reference (the rows every feature rollup of the model is binned on: publishing re-bins them all).
 * Three queries, whatever the number of models; rows are read by primary key ranges.
 */
export async function readWindows(end: number): Promise<{ model: GaugeModel; docs: WindowDocs }[]> {
  const models = await getDb().$queryRaw<ModelRow[]>(Prisma.sql`
    SELECT m.id, m.task, m.classes, m.positive_class, m.drift_settings, m.windows,
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
  const refs = await loadProfiles(models.flatMap((m) => (m.ref_id && m.ref_created ? [{ id: m.ref_id, created: m.ref_created }] : [])));

  const specs = models.map((m) => {
    const performanceHours = windowHours(m.windows?.performance);
    const driftHours = windowHours(m.windows?.drift);
    return { m, performanceHours, driftHours, since: end - Math.max(performanceHours, driftHours) * HOUR };
  });
  const windowsJson = JSON.stringify(specs.map((s) => ({ m: s.m.id, s: s.since, d: end - s.driftHours * HOUR, r: s.m.ref_id ?? "0" })));
  const w = Prisma.sql`jsonb_to_recordset(${windowsJson}::text::jsonb) AS w(m text, s float8, d float8, r text)`;
  const [metricRows, featureRows] = await Promise.all([
    rawQuery<{ model_id: string; bucket: Date; data: Doc }>(Prisma.sql`
      SELECT r.model_id, r.bucket, r.data FROM ${w}
      JOIN rollups r ON r.model_id = w.m AND r.level = 'h' AND r.bucket >= to_timestamp(w.s / 1000.0) AND r.bucket < ${new Date(end)}
        AND r.version = ${ALL_VERSIONS} AND r.segment = ${ALL_SEGMENTS}`),
    rawQuery<{ model_id: string; data: Doc }>(Prisma.sql`
      SELECT f.model_id, f.data FROM ${w}
      JOIN feature_rollups f ON f.model_id = w.m AND f.reference_id = w.r::bigint
        AND f.bucket >= to_timestamp(w.d / 1000.0) AND f.bucket < ${new Date(end)}`),
  ]);

  const docs = new Map<string, WindowDocs>(models.map((m) => [m.id, { performance: {}, driftMetrics: {}, features: {} }]));
  const spec = new Map(specs.map((s) => [s.m.id, s]));
  for (const r of metricRows) {
    const s = spec.get(r.model_id)!;
    const d = docs.get(r.model_id)!;
    const t = r.bucket.getTime();
    // merged into copies: a row may count in both windows
    if (t >= end - s.performanceHours * HOUR) mergeInto(d.performance, r.data);
    if (t >= end - s.driftHours * HOUR) mergeInto(d.driftMetrics, r.data);
  }
  for (const r of featureRows) mergeInto(docs.get(r.model_id)!.features, r.data);

  return specs.map(({ m, performanceHours, driftHours }) => {
    const classes = m.classes ?? [];
    return {
      model: {
        id: m.id,
        task: m.task,
        classes,
        positiveClass: positiveClassOf(m.task, m.positive_class, classes),
        features: m.features ?? [],
        driftSettings: driftSettingsOf(m.drift_settings),
        performanceHours,
        driftHours,
        profile: m.ref_id ? (refs.get(m.ref_id) ?? null) : null,
      },
      docs: docs.get(m.id)!,
    };
  });
}
