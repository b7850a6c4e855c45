/**
 * Loads a scratch database for bench/read "server-side": models and references through the app's own functions
 * (defineModel, uploadReferenceRows), events and labels by COPY straight into their tables, and rollups built by
 * the write path's own code (RollupBatch.addEvent / addLabel, then writeRollups) so the reads see exactly what
 * the server would have built from the same events posted over HTTP.
 */
import path from "node:path";
import { Worker } from "node:worker_threads";
import pg from "pg";
import { getDb, rawQuery } from "../../lib/db/client";
import type { RawItem } from "../../lib/http/body";
import { EVENT_COLUMNS, validatePredictions } from "../../lib/ingest/predictions";
import { defineModel } from "../../lib/models/define";
import { uploadReferenceRows } from "../../lib/models/references/upload";
import type { ModelContext } from "../../lib/rollups/context";
import { invalidateModelContext, modelContexts } from "../../lib/rollups/store/contexts";
import { writeRollups } from "../../lib/rollups/store/write";
import { copyIn } from "../../lib/db/copy";
import { FEATURES, makeFeatures, makeOutcome, MODELS, Rng, type ModelSpec } from "./generate";
import { featureSignatures, generateHour, HOURS, SPAN_DAYS, toBatch, type HourData, type LoadPlan } from "./hour";
import { layoutIds } from "../../lib/db/featureLayouts";

export { DRIFT_HOURS, type LoadPlan } from "./hour";

const REFERENCE_ROWS = 20_000;

export type LoadStats = {
  seconds: number;
  referenceSeconds: number;
  events: number;
  labels: number;
  rollupRows: number;
  featureRollupRows: number;
  /** time the writer waited for generated hours, and for the database to finish the previous hour */
  waitGenSeconds: number;
  waitDbSeconds: number;
  /** database time of the COPYs and of the rollup upserts (they overlap: each has its own connection) */
  copySeconds: number;
  rollupSeconds: number;
};

const LABEL_COLS = "model_id, prediction_id, actual, ts";

/**
 * Defines the models (default: the five) with their 20 features and uploads a reference of `referenceRows` rows
 * (default 20,000) to each, without drift.
 */
export async function defineModelsAndReferences(seed: number, models: ModelSpec[] = MODELS, referenceRows = REFERENCE_ROWS): Promise<void> {
  const r = new Rng(seed ^ 0x5eed);
  for (const m of models) {
    await defineModel(m.id, {
      task: m.task,
      ...(m.classes.length ? { classes: m.classes } : {}),
      ...(m.positiveClass ? { positiveClass: m.positiveClass } : {}),
      features: FEATURES,
    });
    const rows: RawItem[] = [];
    for (let i = 0; i < referenceRows; i++) {
      const features = makeFeatures(r, false);
      rows.push({ index: i, value: { features, prediction: makeOutcome(r, m, features, false).prediction } });
    }
    await uploadReferenceRows(m.id, undefined, rows, referenceRows);
  }
  invalidateModelContext();
}

/**
 * Our generated events must be what the API would have stored: run the first ones through the write path's own
 * validation and compare the fields that rollups and reads depend on.
 */
function checkAgainstWritePath(sample: NonNullable<HourData["sample"]>): void {
  const items: RawItem[] = sample.api.map((value, index) => ({ index, value }));
  const { rows, rejected } = validatePredictions(items, new Date());
  if (rejected.length) throw new Error(`generated events fail validation: ${JSON.stringify(rejected[0])}`);
  for (let i = 0; i < rows.length; i++) {
    const a = rows[i];
    const b = sample.rows[i];
    const same =
      a.version === b.version && a.ts.getTime() === b.ts.getTime() && a.confidence === b.confidence &&
      a.latencyMs === b.latencyMs && a.errorType === b.errorType && JSON.stringify(a.prediction) === JSON.stringify(b.prediction ?? null);
    if (!same) throw new Error(`event ${i} differs from the write path's row: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  }
}

/** Generator threads, or this thread alone when `threads` is 0. Hours come back in the order asked. */
function hourSource(plan: LoadPlan, ctxs: Map<string, ModelContext>, threads: number) {
  if (threads === 0) return { get: (h: number) => Promise.resolve(generateHour(plan, ctxs, h)), close: async () => {} };
  // tsx's loader does not reach worker threads by itself: the entry registers it, then loads worker.ts.
  const entry = `require("tsx/cjs"); require(${JSON.stringify(path.join(__dirname, "worker.ts"))});`;
  const workers = Array.from({ length: threads }, () => new Worker(entry, { eval: true, workerData: { plan, ctxs } }));
  const waiting = workers.map(() => new Map<number, (d: HourData) => void>());
  workers.forEach((w, i) => {
    w.on("message", (d: HourData) => {
      waiting[i].get(d.h)?.(d);
      waiting[i].delete(d.h);
    });
    w.on("error", (err) => {
      throw err;
    });
  });
  return {
    get: (h: number) => new Promise<HourData>((resolve) => {
      const i = h % threads;
      waiting[i].set(h, resolve);
      workers[i].postMessage({ h });
    }),
    close: async () => {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

/**
 * Loads `plan.events` events hour by hour, in time order (ids are time-ordered, so each model's key index grows
 * at its right edge as in production). `threads` generator threads build hours ahead while the database copies
 * the current one; each hour's rollups are written once, with the server's own upsert.
 */
export async function loadEvents(dbUrl: string, plan: LoadPlan, threads: number, log: (s: string) => void): Promise<LoadStats> {
  const models = plan.models ?? MODELS;
  const ctxs = await modelContexts(getDb(), models.map((m) => m.id));
  for (const m of models) if (!ctxs.get(m.id)?.referenceId) throw new Error(`model ${m.id} has no reference`);
  // the features' layouts, resolved once here: the generator threads write their ids into the rows
  const resolved = await layoutIds((sql) => rawQuery(sql), featureSignatures());
  plan = { ...plan, layouts: [...resolved] };
  const source = hourSource(plan, ctxs, threads);
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  // Durability of a scratch load does not matter; the per-hour commits then do not wait for the WAL flush.
  await client.query("SET synchronous_commit = off");
  // raw events are partitioned by UTC day: every day the load spans needs its partition
  await client.query(`SELECT dw_ensure_event_partitions(ARRAY(
    SELECT d::date FROM generate_series(to_timestamp($1 / 1000.0) - interval '${SPAN_DAYS + 1} days', to_timestamp($1 / 1000.0) + interval '1 day', interval '1 day') d))`, [plan.end]);
  const t0 = performance.now();
  let waitGenMs = 0;
  let waitDbMs = 0;
  let copyMs = 0;
  let rollupMs = 0;
  let events = 0;
  let labels = 0;
  const firstSeen = new Map<string, number>();
  // Ask for a few hours ahead so every thread has work while the database copies.
  const ahead = Math.max(2, threads * 2);
  // Hours asked for and not yet written (dropped once taken: an hour at 10M events holds ~10 MB).
  const queued = new Map<number, Promise<HourData>>();
  const from = Math.max(0, Math.min(HOURS, plan.fromHour ?? 0));
  for (let h = from; h < Math.min(from + ahead, HOURS); h++) queued.set(h, source.get(h));
  let pending: Promise<unknown> = Promise.resolve();
  let lastLog = t0;
  // Each hour's COPY (this connection) and rollup upsert (the Prisma pool) run side by side: one backend each.
  const timed = async (f: () => Promise<unknown>, add: (ms: number) => void) => {
    const c0 = performance.now();
    await f();
    add(performance.now() - c0);
  };
  try {
    for (let h = from; h < HOURS; h++) {
      const g0 = performance.now();
      const data = await queued.get(h)!;
      queued.delete(h);
      if (h + ahead < HOURS) queued.set(h + ahead, source.get(h + ahead));
      const g1 = performance.now();
      waitGenMs += g1 - g0;
      if (data.sample) checkAgainstWritePath(data.sample);
      for (const [k, ms] of data.firstSeen) if (!(firstSeen.get(k)! <= ms)) firstSeen.set(k, ms);
      await pending;
      waitDbMs += performance.now() - g1;
      events += data.count;
      labels += data.labelCount;
      pending = Promise.all([
        timed(async () => {
          await copyIn(client, `COPY prediction_events (${EVENT_COLUMNS}) FROM STDIN`, data.events);
          await copyIn(client, `COPY labels (${LABEL_COLS}) FROM STDIN`, data.labels);
        }, (ms) => (copyMs += ms)),
        timed(() => getDb().$transaction((tx) => writeRollups(tx, toBatch(data)), { timeout: 600_000, maxWait: 120_000 }), (ms) => (rollupMs += ms)),
      ]);
      if (performance.now() - lastLog > 15_000) {
        lastLog = performance.now();
        const s = (lastLog - t0) / 1000;
        log(`  … ${events.toLocaleString("en-US")} events in ${s.toFixed(0)} s (${Math.round(events / s).toLocaleString("en-US")}/s)`);
      }
    }
    const w0 = performance.now();
    await pending;
    waitDbMs += performance.now() - w0;
  } finally {
    await source.close();
  }
  // The write path records each version's first sighting; the load does it once at the end.
  for (const [k, ms] of firstSeen) {
    const [model, version] = k.split("\u0000");
    await client.query(
      `INSERT INTO model_versions (model_id, version, first_seen) VALUES ($1, $2, $3)
       ON CONFLICT (model_id, version) DO UPDATE SET first_seen = least(model_versions.first_seen, EXCLUDED.first_seen)`,
      [model, version, new Date(ms)],
    );
  }
  const seconds = (performance.now() - t0) / 1000;
  // Fresh statistics, as autovacuum would have gathered on a server that took this traffic over 30 days; and a
  // checkpoint, so the timings do not share the disk with writing back gigabytes just loaded (a database that
  // gathered its events over weeks has no such backlog).
  await client.query("ANALYZE");
  await client.query("CHECKPOINT");
  const [{ r, f }] = (await client.query<{ r: number; f: number }>(
    "SELECT (SELECT count(*) FROM rollups)::int AS r, (SELECT count(*) FROM feature_rollups)::int AS f",
  )).rows;
  await client.end();
  return {
    seconds, referenceSeconds: 0, events, labels, rollupRows: r, featureRollupRows: f,
    waitGenSeconds: waitGenMs / 1000, waitDbSeconds: waitDbMs / 1000, copySeconds: copyMs / 1000, rollupSeconds: rollupMs / 1000,
  };
}
