import { channel } from "node:diagnostics_channel";
import { z } from "zod";
import { getDb, Prisma, rawTransaction, type SqlTx } from "../../db/client";
import { config } from "../../config";
import { ApiError, notFound, unprocessable, zodIssues } from "../../errors";
import type { RawItem } from "../../http/body";
import { versionName } from "../../domain/ids";
import { timestamp } from "../../domain/time";
import { classValue, featureValues } from "../../domain/values";
import type { ReferenceProfile } from "./profile";
import { finishProfile, profileBuilderFor, referenceChanged, saveProfile, saveSamples } from "./store";
import { createSpillFiles } from "./spill";
import { fastReferenceRow } from "./fastRow";
import { copyJson, copyJsonText, copyText } from "../../db/copy";
import { rebinFeatureRollups } from "../../rollups/store/recount";
import { lockModels } from "../../rollups/store/write";

export const referenceRow = z.strictObject({
  features: featureValues,
  prediction: classValue.nullable().optional(),
  actual: classValue.nullable().optional(),
});

export const fromWindowRequest = z.strictObject({
  fromWindow: z
    .strictObject({ from: timestamp, to: timestamp, version: versionName.optional() })
    .refine((w) => w.from < w.to, { message: "from must be before to", path: ["to"] }),
  version: versionName.optional(),
});

export type ReferenceResult = {
  referenceId: string;
  version: string | null;
  rows: number;
  rejectedCount: number;
  /** the first rejected rows with reasons (at most 100) */
  rejected: { index: number; line?: number; errors: { path: string; message: string }[] }[];
  /** set when a production window had more rows than the limit and was sampled evenly */
  sampledFrom?: number;
};

const BATCH = 5_000;
/** Batches written at once on PostgreSQL, each on its own connection (bench/reference README: 1, 2 and 3 measured). */
const WRITERS = 3;
/**
 * Samples written at once at the end of an upload, beside the last batches of rows (the pool has 10 connections
 * by default; PGlite's one takes them in turn).
 */
const SAMPLE_WRITERS = 4;
const MAX_REPORTED = 100;

/** What an upload's phases end with: the milliseconds since the upload began (bench/reference prints them). */
export type UploadPhase = { phase: "setup" | "streamed" | "profiled" | "rowsStored" | "samplesStored" | "published"; ms: number };
/**
 * Where an upload says how long its phases took, for whoever subscribes (bench/reference); with no subscriber
 * nothing is published and nothing is kept.
 */
export const uploadPhases = channel("driftwatch.reference.upload");
const phaseClock = () => {
  const t0 = performance.now();
  return (phase: UploadPhase["phase"]) => {
    if (uploadPhases.hasSubscribers) uploadPhases.publish({ phase, ms: performance.now() - t0 } satisfies UploadPhase);
  };
};

async function startSet(modelId: string, version: string, source: Prisma.InputJsonValue): Promise<bigint> {
  const db = getDb();
  if (!(await db.model.findUnique({ where: { id: modelId }, select: { id: true } }))) {
    throw notFound(`No model '${modelId}'. Create it with PUT /api/v1/models/${modelId} first.`);
  }
  const set = await db.referenceSet.create({ data: { modelId, version, source } });
  return set.id;
}

/** Makes a fully loaded set, with its profile, the model's reference for its version and drops the one it replaces. */
async function publishSet(id: bigint, modelId: string, version: string, rowCount: number, profile: ReferenceProfile, samplesSaved = false) {
  // Under the model's exclusive lock: writers in flight finish first, and the feature rollups are re-binned on
  // the new reference from the raw events before anyone writes again.
  await getDb().$transaction(
    async (tx) => {
      await lockModels(tx, [modelId], "exclusive");
      await saveProfile(tx, id, profile, { samples: !samplesSaved });
      await tx.referenceSet.update({ where: { id }, data: { status: "ready", rowCount } });
      await tx.referenceSet.deleteMany({ where: { modelId, version, id: { not: id } } });
      referenceChanged(modelId);
      await rebinFeatureRollups(tx, modelId);
    },
    { timeout: 1_800_000, maxWait: 60_000 },
  );
  referenceChanged(modelId);
}

async function discardSet(id: bigint) {
  await getDb().referenceSet.deleteMany({ where: { id } });
}

type RefRow = z.infer<typeof referenceRow>;

/**
 * What a loading set's writes commit with (sent with their BEGIN): without waiting for the WAL to reach the disk
 * (an fsync a batch of rows or a sample). Safe: the set is invisible until publishSet's transaction commits, and
 * that commit, synchronous, flushes the WAL up to it, every earlier write included; a crash before it loses only
 * a set still loading, which is never read (the same as an upload that died).
 */
export const UNFLUSHED_COMMIT = "SET LOCAL synchronous_commit = off";

const COPY_ROWS = "COPY reference_rows (reference_id, row_no, features, prediction, actual) FROM STDIN";
/** A first guess at a row's COPY text (~400 bytes for 20 features); the buffer grows past it when needed. */
const ROW_BYTES = 512;

/**
 * Locks set `id` against deletion until `tx` ends, and throws if it is gone: rows written in `tx` then have their
 * set, which a trigger deletes them with (reference_rows has no foreign key, for its per-row check: migration
 * 20261206061926_reference_rows_json). Every writer of reference_rows takes it in the transaction that writes.
 */
async function lockSet(tx: SqlTx, id: bigint) {
  const found = await tx.query(Prisma.sql`SELECT 1 FROM reference_sets WHERE id = ${id} FOR KEY SHARE`);
  if (found.length === 0) throw new Error(`reference set ${id} was removed while its rows were being written`);
}

async function insertRows(id: bigint, firstRowNo: number, rows: RefRow[]) {
  const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));
  await rawTransaction(async (tx) => {
    await lockSet(tx, id);
    // COPY where there is one (PostgreSQL): the server parses each row once, with no unnest or casts.
    if (tx.copyFrom) {
      const text = copyText(rows.length * ROW_BYTES);
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i];
        text.line(`${id}\t${firstRowNo + i}\t${copyJsonText(JSON.stringify(r.features))}\t${copyJson(r.prediction)}\t${copyJson(r.actual)}\n`);
      }
      await tx.copyFrom(COPY_ROWS, text.bytes());
      return;
    }
    await tx.query(Prisma.sql`
      INSERT INTO reference_rows (reference_id, row_no, features, prediction, actual)
      SELECT ${id}, ${firstRowNo} + (t.ord::int) - 1, t.features::json, t.prediction::json, t.actual::json
      FROM unnest(${rows.map((r) => JSON.stringify(r.features))}::text[], ${rows.map((r) => json(r.prediction))}::text[],
                  ${rows.map((r) => json(r.actual))}::text[]) WITH ORDINALITY AS t(features, prediction, actual, ord)`);
  }, UNFLUSHED_COMMIT);
}

/**
 * Replaces the model's reference with uploaded rows, read as they stream in. Valid rows are kept and invalid
 * ones reported; rows load into a new set that becomes current only once complete, so a failed upload leaves the
 * old reference in place.
 */
export async function uploadReferenceRows(
  modelId: string,
  version: string | undefined,
  items: AsyncIterable<RawItem> | Iterable<RawItem>,
  maxRows: number,
  /** numerical values the profile holds in memory at most (profile.ts VALUE_BUDGET); tests lower it */
  valueBudget?: number,
): Promise<ReferenceResult> {
  const phase = phaseClock();
  const id = await startSet(modelId, version ?? "", { kind: "upload" });
  // where the numerical values go if the profile cannot hold them (a large reference): its finish then needs
  // neither the stored rows nor their JSON
  const spill = createSpillFiles();
  const profile = await profileBuilderFor(modelId, valueBudget, spill);
  let stored = 0;
  let rejectedCount = 0;
  const rejected: ReferenceResult["rejected"] = [];
  let batch: RefRow[] = [];
  // Batches are written while the next ones are parsed, each COPY on its own connection in its own transaction
  // (the set is invisible until publishSet, so the order they commit in does not matter): PostgreSQL's cost of
  // taking a row in (the json check, the primary key, WAL) runs on more than one core. At most WRITERS + 1
  // batches are held. PGlite has one connection: one write at a time there.
  const writers = config().databaseUrl ? WRITERS : 1;
  const writing = new Set<Promise<void>>();
  const flush = async () => {
    const rows = batch;
    const first = stored;
    batch = [];
    stored += rows.length;
    // a failed write rejects here (or below) and the upload stops; the catch waits for the others to end
    while (writing.size >= writers) await Promise.race(writing);
    const write: Promise<void> = insertRows(id, first, rows).then(() => {
      writing.delete(write);
    });
    write.catch(() => {}); // awaited through `writing`; this only keeps an early failure from going unhandled meanwhile
    writing.add(write);
  };
  const allWritten = () => Promise.all(writing);
  let samples: Promise<void> = Promise.resolve();
  phase("setup");
  try {
    for await (const item of items) {
      const fast = item.parseError ? undefined : fastReferenceRow(item.value);
      const parsed = fast ? { success: true as const, data: fast } : item.parseError ? null : referenceRow.safeParse(item.value);
      if (!parsed?.success) {
        rejectedCount++;
        if (rejected.length < MAX_REPORTED) {
          rejected.push({
            index: item.index,
            ...(item.line === undefined ? {} : { line: item.line }),
            errors: parsed ? zodIssues(parsed.error) : [{ path: "", message: item.parseError! }],
          });
        }
        continue;
      }
      if (stored + batch.length >= maxRows) {
        throw new ApiError(413, "too_many_rows", `A reference may hold at most ${maxRows} rows.`, { limit: maxRows });
      }
      batch.push(parsed.data);
      profile.add({ features: parsed.data.features, prediction: parsed.data.prediction });
      if (batch.length >= BATCH) await flush();
    }
    if (batch.length > 0) await flush();
    phase("streamed");
    const written = allWritten().then(() => phase("rowsStored"));
    written.catch(() => {}); // awaited below
    if (stored === 0) {
      throw unprocessable("The upload holds no valid reference rows.", rejected);
    }
    // The samples are written, and the profile finished, while the last batches are still being stored: those
    // are fixed costs of every upload (~20 samples of up to 100,000 values; the sort and count of every numerical
    // feature's values). The samples are final with the last row, so the server takes them in while this process
    // finishes the profile. The stored rows are read only by a spilled profile without spill files (a feature of
    // more than VALUE_BUDGET values), once they are all written.
    samples = saveSamples(id, profile.samples(), writers > 1 ? SAMPLE_WRITERS : 1, UNFLUSHED_COMMIT).then(() => phase("samplesStored"));
    samples.catch(() => {}); // awaited below
    const fin = await finishProfile(profile, id, undefined, spill, written);
    phase("profiled");
    const [rowsDone, samplesDone] = await Promise.allSettled([written, samples]);
    if (rowsDone.status === "rejected") throw rowsDone.reason;
    if (samplesDone.status === "rejected") throw samplesDone.reason;
    await publishSet(id, modelId, version ?? "", stored, fin, true);
    phase("published");
  } catch (err) {
    await Promise.allSettled([...writing, samples]); // let the writes in flight end before their set is deleted
    await discardSet(id);
    throw err;
  } finally {
    spill.close();
  }
  return { referenceId: String(id), version: version ?? null, rows: stored, rejectedCount, rejected };
}

/** Baselines the model on its own production data in [from, to): predictions that did not fail, with their labels. */
export async function referenceFromWindow(
  modelId: string,
  request: z.infer<typeof fromWindowRequest>,
  maxRows: number,
): Promise<ReferenceResult> {
  const { from, to, version: eventVersion } = request.fromWindow;
  const version = request.version ?? eventVersion ?? "";
  const id = await startSet(modelId, version, {
    kind: "window",
    from: from.toISOString(),
    to: to.toISOString(),
    ...(eventVersion ? { version: eventVersion } : {}),
  });
  const db = getDb();
  const versionFilter = eventVersion ? Prisma.sql`AND e.version = ${eventVersion}` : Prisma.empty;
  try {
    const [{ n }] = await db.$queryRaw<{ n: number }[]>(Prisma.sql`
      SELECT count(*)::int AS n FROM prediction_events e
      WHERE e.model_id = ${modelId} AND e.ts >= ${from} AND e.ts < ${to} AND e.error_type IS NULL ${versionFilter}`);
    if (n === 0) throw unprocessable("The window holds no successful predictions to baseline on.");
    // Over the limit, keep every k-th row in time order: an even sample of the whole window.
    const step = Math.ceil(n / maxRows);
    const stored = await rawTransaction(async (tx) => {
      await lockSet(tx, id);
      const [{ rows }] = await tx.query<{ rows: number }>(Prisma.sql`
        WITH copied AS (
          INSERT INTO reference_rows (reference_id, row_no, features, prediction, actual)
          SELECT ${id}, (row_number() OVER (ORDER BY s.ts, s.id))::int - 1, dw_event_features(s.layout_id, s.feature_values), s.prediction, s.actual
          FROM (
            SELECT e.ts, e.id, e.layout_id, e.feature_values, e.prediction, l.actual, row_number() OVER (ORDER BY e.ts, e.id) AS rn
            FROM prediction_events e
            LEFT JOIN labels l ON l.model_id = e.model_id AND l.prediction_id = e.id
            WHERE e.model_id = ${modelId} AND e.ts >= ${from} AND e.ts < ${to} AND e.error_type IS NULL ${versionFilter}
          ) s
          WHERE (s.rn - 1) % ${step} = 0
          RETURNING 1)
        SELECT count(*)::int AS rows FROM copied`);
      return rows;
    });
    // The profile is built from the stored rows, read back in chunks.
    const profile = await profileBuilderFor(modelId);
    for (let offset = 0; offset < stored; offset += BATCH) {
      const rows = await db.$queryRaw<{ features: Record<string, unknown>; prediction: unknown }[]>(Prisma.sql`
        SELECT features, prediction FROM reference_rows
        WHERE reference_id = ${id} AND row_no >= ${offset} AND row_no < ${offset + BATCH} ORDER BY row_no`);
      for (const r of rows) profile.add(r);
    }
    await publishSet(id, modelId, version, stored, await finishProfile(profile, id));
    return {
      referenceId: String(id),
      version: version || null,
      rows: stored,
      rejectedCount: 0,
      rejected: [],
      ...(step > 1 ? { sampledFrom: n } : {}),
    };
  } catch (err) {
    await discardSet(id);
    throw err;
  }
}
