import "server-only";
import { getDb, Prisma } from "../db/client";
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

/** One model with its features, versions, current reference and stored counts; null if it does not exist. */
export async function getModel(id: string, options: { labels?: boolean } = { labels: true }): Promise<ModelDetail | null> {
  const db = getDb();
  const model = await db.model.findUnique({
    where: { id },
    include: {
      features: { orderBy: [{ inferred: "asc" }, { position: "asc" }, { name: "asc" }] },
      versions: { orderBy: { firstSeen: "asc" } },
      // not the profile (bins, counts and moments of every feature): the header shows only these
      references: { where: { status: "ready" }, orderBy: { createdAt: "desc" }, take: 1, select: { id: true, version: true, rowCount: true, source: true, createdAt: true } },
    },
  });
  if (!model) return null;
  // labelled predictions from the versions' all-time totals (rollup level "t", one row per version): the same
  // number as joining labels to events, without the join (seconds at millions of labels)
  const [counts] = await db.$queryRaw<{ events: number; labelled: number; last: Date | null }[]>(Prisma.sql`
    SELECT ${storedEventsSql(id)} AS events,
           (SELECT coalesce(sum((r.data->>'ln')::float8), 0)::float8 FROM rollups r
             WHERE r.model_id = ${id} AND r.level = 't' AND r.bucket = to_timestamp(0)) AS labelled,
           (SELECT max(ts) FROM prediction_events WHERE model_id = ${id}) AS last`);
  // every stored label, joined or still waiting for its prediction: an index count, so only when asked
  const labels = options.labels
    ? (await db.$queryRaw<{ n: number }[]>(Prisma.sql`SELECT count(*)::int AS n FROM labels WHERE model_id = ${id}`))[0].n
    : null;
  const ref = model.references[0];
  return {
    id: model.id,
    name: model.name,
    description: model.description,
    task: model.task,
    positiveClass: model.positiveClass,
    classes: model.classes as string[],
    features: model.features.map((f) => ({
      name: f.name,
      type: f.type,
      min: f.min,
      max: f.max,
      allowed: (f.allowed as unknown[] | null) ?? null,
      importance: f.importance,
      declared: !f.inferred,
    })),
    drift: model.driftSettings,
    windows: model.windows,
    autoRegistered: model.autoRegistered,
    createdAt: model.createdAt.toISOString(),
    updatedAt: model.updatedAt.toISOString(),
    versions: model.versions.map((v) => ({ version: v.version, firstSeen: v.firstSeen.toISOString() })),
    reference: ref
      ? { id: String(ref.id), version: ref.version, rows: ref.rowCount, source: ref.source, createdAt: ref.createdAt.toISOString() }
      : null,
    counts: { events: counts.events, labels, labelled: counts.labelled },
    lastEventAt: counts.last ? counts.last.toISOString() : null,
  };
}
