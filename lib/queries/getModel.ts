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
  counts: { events: number; labels: number; labelled: number };
  lastEventAt: string | null;
};

/** One model with its features, versions, current reference and stored counts; null if it does not exist. */
export async function getModel(id: string): Promise<ModelDetail | null> {
  const db = getDb();
  const model = await db.model.findUnique({
    where: { id },
    include: {
      features: { orderBy: [{ inferred: "asc" }, { position: "asc" }, { name: "asc" }] },
      versions: { orderBy: { firstSeen: "asc" } },
      references: { where: { status: "ready" }, orderBy: { createdAt: "desc" }, take: 1 },
    },
  });
  if (!model) return null;
  const [counts] = await db.$queryRaw<{ events: number; labels: number; labelled: number; last: Date | null }[]>(Prisma.sql`
    SELECT ${storedEventsSql(id)} AS events,
           (SELECT count(*)::int FROM labels WHERE model_id = ${id}) AS labels,
           (SELECT count(*)::int FROM labels l JOIN prediction_events p ON p.model_id = l.model_id AND p.id = l.prediction_id
             WHERE l.model_id = ${id}) AS labelled,
           (SELECT max(ts) FROM prediction_events WHERE model_id = ${id}) AS last`);
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
    counts: { events: counts.events, labels: counts.labels, labelled: counts.labelled },
    lastEventAt: counts.last ? counts.last.toISOString() : null,
  };
}
