import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { POST as postPredictions } from "@/app/api/v1/predictions/route";
import { POST as postLabels } from "@/app/api/v1/labels/route";
import { GET as getMetricsRoute } from "@/app/api/v1/models/[model]/metrics/route";
import { closeDb, rawQuery } from "@/lib/db/client";
import { migrate, readMigrations } from "@/lib/db/migrate";
import { rebinLegacyReferences } from "@/lib/models/references/rebin";
import { getRetention } from "@/lib/retention/settings";
import { rollupDifferences } from "@/lib/rollups/store/recount";
import { call, countEvents, makeEvents, uniqueModel } from "../helpers";

/**
 * The last migration of the previous release. When a release ships, move this to its last migration, so the next
 * release is tested against the databases users actually have.
 */
const PREVIOUS_RELEASE = "20261204200000_minmax_keys";

let restore: (() => Promise<void>) | undefined;
afterEach(async () => {
  await restore?.();
  restore = undefined;
});

/** Points the app at a new empty database (PostgreSQL: `<db>_upgrade` on the same server; else a new data dir). */
async function useEmptyDatabase(suffix: string): Promise<string | undefined> {
  await closeDb();
  const saved = { url: process.env.DATABASE_URL, dir: process.env.DRIFTWATCH_DATA_DIR, template: process.env.DRIFTWATCH_PGLITE_TEMPLATE };
  let url: string | undefined;
  let dir: string | undefined;
  if (saved.url) {
    const target = new URL(saved.url);
    const name = `${target.pathname.slice(1)}_${suffix}`;
    const admin = new pg.Client({ connectionString: saved.url });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    target.pathname = `/${name}`;
    url = process.env.DATABASE_URL = target.toString();
  } else {
    dir = process.env.DRIFTWATCH_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), `driftwatch-${suffix}-`));
    // empty: not a copy of the migrated template (lib/db/template.ts), which would leave the previous release's
    // migrations nothing to do
    process.env.DRIFTWATCH_PGLITE_TEMPLATE = "0";
  }
  const previous = restore;
  restore = async () => {
    await closeDb();
    process.env.DATABASE_URL = saved.url;
    process.env.DRIFTWATCH_DATA_DIR = saved.dir;
    if (saved.url === undefined) delete process.env.DATABASE_URL;
    if (saved.dir === undefined) delete process.env.DRIFTWATCH_DATA_DIR;
    if (saved.template === undefined) delete process.env.DRIFTWATCH_PGLITE_TEMPLATE;
    else process.env.DRIFTWATCH_PGLITE_TEMPLATE = saved.template;
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    await previous?.();
  };
  return url;
}

/** A model's totals as GET /metrics answers them for the last two days. */
async function totals(model: string) {
  const from = new Date(Date.now() - 48 * 3600_000).toISOString();
  const res = await call(getMetricsRoute, { path: `/api/v1/models/${model}/metrics?from=${from}&step=1d`, params: { model } });
  expect(res.status).toBe(200);
  const buckets = res.body.buckets as { requests: number; labels: { labelled: number } }[];
  return { requests: buckets.reduce((s, b) => s + b.requests, 0), labelled: buckets.reduce((s, b) => s + b.labels.labelled, 0) };
}

async function fill(model: string, n: number, prefix: string) {
  const events = makeEvents(model, n, prefix);
  expect((await call(postPredictions, { method: "POST", body: { events } })).status).toBe(200);
  const labels = events.filter((_, i) => i % 3 === 0).map((e) => ({ model, id: e.id, actual: e.id.length % 2 ? "fraud" : "legit" }));
  expect((await call(postLabels, { method: "POST", body: labels })).status).toBe(200);
}

describe("upgrades", () => {
  it("a database made by the previous release's migrations migrates to the current ones and serves the same numbers", async () => {
    await useEmptyDatabase("upgrade");
    const all = readMigrations();
    const previous = all.filter((m) => m.name <= PREVIOUS_RELEASE);
    expect(previous.length).toBeGreaterThan(0);
    expect(previous.length).toBeLessThan(all.length);
    expect(await migrate(previous)).toEqual(previous.map((m) => m.name));

    const model = uniqueModel("upgrade");
    // registered as the previous release's ingest did (today's also writes the model's default alert rules)
    await rawQuery(`INSERT INTO models (id, name, task, classes, auto_registered) VALUES ('${model}', '${model}', 'binary_classification', '["fraud","legit"]', true)`);
    // today's write path also writes daily feature rows: their table exists while filling, then goes
    await rawQuery(`CREATE TABLE feature_rollups_daily (LIKE feature_rollups INCLUDING ALL)`);
    // and reads the retention setting, makes daily partitions and keys events by (model, id, ts): stand-ins while
    // filling (the previous release's table, keyed by (model, id), gets the key's index for ON CONFLICT)
    await rawQuery(`CREATE TABLE install_settings (key text PRIMARY KEY, value jsonb NOT NULL, updated_at timestamptz(3) NOT NULL DEFAULT now(), updated_by text)`);
    await rawQuery(`CREATE FUNCTION dw_ensure_event_partitions(days date[]) RETURNS integer LANGUAGE sql AS 'SELECT 0'`);
    await rawQuery(`CREATE UNIQUE INDEX upgrade_stand_in_key ON prediction_events (model_id, id, ts)`);
    // and stores an event's features as values in the order of a key list (feature_layouts): stand-ins too, folded
    // back below into the previous release's `features` objects, written as its JSON.stringify wrote them
    await rawQuery(`CREATE TABLE feature_layouts (id serial PRIMARY KEY, hash bytea NOT NULL UNIQUE, keys json NOT NULL)`);
    await rawQuery(`ALTER TABLE prediction_events ADD COLUMN layout_id int, ADD COLUMN feature_values json, ALTER COLUMN features DROP NOT NULL`);
    await fill(model, 600, "old");
    // a reference's stored rows as the previous release kept them: jsonb, under a foreign key (a set still loading:
    // nothing else reads it)
    const [{ id: refId }] = await rawQuery<{ id: string }>(`INSERT INTO reference_sets (model_id, version) VALUES ('${model}', 'upgrade') RETURNING id::text`);
    await rawQuery(`INSERT INTO reference_rows (reference_id, row_no, features, prediction, actual)
      VALUES (${refId}, 0, '{"x": 1.5, "b": "u"}', '"fraud"', NULL), (${refId}, 1, '{"x": 1e101, "y": -0.25}', NULL, '"legit"')`);
    await rawQuery(`DROP INDEX upgrade_stand_in_key`);
    await rawQuery(`DROP FUNCTION dw_ensure_event_partitions(date[])`);
    await rawQuery(`DROP TABLE install_settings`);
    // The previous release's write path kept minute and hour rollups only: no all-time totals per version
    // (level 't'), no record of what corrections took back (level 'r') and no daily feature rows (the migration
    // sums them from the hour rows). Its databases hold no such rows.
    await rawQuery(`DELETE FROM rollups WHERE level IN ('t', 'r')`);
    expect((await rollupDifferences(model)).differences.length).toBeGreaterThan(0);
    await rawQuery(`DROP TABLE feature_rollups_daily`);
    await rawQuery(`UPDATE prediction_events e SET features = (
      SELECT ('{' || coalesce(string_agg(to_json(k.key)::text || ':' || v.value::text, ',' ORDER BY k.n), '') || '}')::json
      FROM feature_layouts l CROSS JOIN json_array_elements_text(l.keys) WITH ORDINALITY AS k(key, n)
      JOIN json_array_elements(e.feature_values) WITH ORDINALITY AS v(value, n) ON v.n = k.n
      WHERE l.id = e.layout_id)`);
    await rawQuery(`ALTER TABLE prediction_events DROP COLUMN layout_id, DROP COLUMN feature_values, ALTER COLUMN features SET NOT NULL`);
    await rawQuery(`DROP TABLE feature_layouts`);
    const before = await rawQuery<{ id: string; features: unknown }>(`SELECT id, features FROM prediction_events WHERE model_id = '${model}' ORDER BY id`);
    expect(before).toHaveLength(600);

    // what start-up runs: the SQL migrations, then the data migrations
    const applied = await migrate();
    expect(applied).toEqual(all.slice(previous.length).map((m) => m.name));
    await rebinLegacyReferences(() => {});
    // models from before alert rules got the default rules in the migration
    expect(await rawQuery(`SELECT name FROM alert_rules WHERE model_id = '${model}' ORDER BY name`)).toHaveLength(7);
    // the events moved into daily partitions, and an install holding events keeps them (retention "forever")
    const [{ parts, moved }] = await rawQuery<{ parts: number; moved: number }>(`
      SELECT (SELECT count(*)::int FROM pg_inherits WHERE inhparent = 'prediction_events'::regclass) AS parts,
             (SELECT count(*)::int FROM prediction_events WHERE model_id = '${model}') AS moved`);
    expect(parts).toBeGreaterThan(0);
    expect(moved).toBe(600);
    // every event's features read back as they were: the same keys in the same order, the same values
    const after = await rawQuery<{ id: string; features: unknown }>(`
      SELECT id, dw_event_features(layout_id, feature_values) AS features FROM prediction_events WHERE model_id = '${model}' ORDER BY id`);
    expect(after.map((r) => [r.id, JSON.stringify(r.features)])).toEqual(before.map((r) => [r.id, JSON.stringify(r.features)]));
    expect((await getRetention()).days).toBeNull();
    // the reference rows became json with the same values, and deleting their set still deletes them (a trigger
    // where the foreign key was)
    expect(await rawQuery(`SELECT row_no, features, prediction, actual FROM reference_rows WHERE reference_id = ${refId} ORDER BY row_no`)).toEqual([
      { row_no: 0, features: { b: "u", x: 1.5 }, prediction: "fraud", actual: null },
      { row_no: 1, features: { x: 1e101, y: -0.25 }, prediction: null, actual: "legit" },
    ]);
    expect(await rawQuery(`SELECT data_type FROM information_schema.columns WHERE table_name = 'reference_rows' AND column_name = 'features'`)).toEqual([{ data_type: "json" }]);
    await rawQuery(`DELETE FROM reference_sets WHERE id = ${refId}`);
    expect(await rawQuery(`SELECT row_no FROM reference_rows WHERE reference_id = ${refId}`)).toEqual([]);
    // the upgraded database is exactly what the current write path would have built, and serves
    expect((await rollupDifferences(model)).differences).toEqual([]);
    expect(await totals(model)).toEqual({ requests: 600, labelled: 200 });
    await fill(model, 300, "new");
    expect(await countEvents(model)).toBe(900);
    expect((await rollupDifferences(model)).differences).toEqual([]);
    expect(await totals(model)).toEqual({ requests: 900, labelled: 300 });
    expect(await migrate()).toEqual([]);
  });

  it("a backup made as the README says restores whole: pg_dump/pg_restore on PostgreSQL, a copy of the stopped data directory when embedded", async () => {
    const source = await useEmptyDatabase("backup");
    await migrate();
    const model = uniqueModel("backup");
    await fill(model, 500, "b");
    const before = await totals(model);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "driftwatch-backup-"));
    const run = (cmd: string, args: string[]) => {
      const r = spawnSync(cmd, args, { encoding: "utf8" });
      expect(r.status, `${cmd}: ${r.stderr}`).toBe(0);
    };
    if (source) {
      const dump = path.join(tmp, "driftwatch.dump");
      run("pg_dump", ["--format=custom", `--file=${dump}`, source]);
      const target = (await useEmptyDatabase("restored"))!;
      run("pg_restore", ["--no-owner", `--dbname=${target}`, dump]);
    } else {
      await closeDb(); // the server stopped
      const copy = path.join(tmp, "data");
      fs.cpSync(process.env.DRIFTWATCH_DATA_DIR!, copy, { recursive: true });
      process.env.DRIFTWATCH_DATA_DIR = copy; // restored elsewhere
    }
    expect(await migrate()).toEqual([]); // nothing pending: _prisma_migrations came along
    expect(await countEvents(model)).toBe(500);
    expect(await totals(model)).toEqual(before);
    expect((await rollupDifferences(model)).differences).toEqual([]);
    await fill(model, 100, "after");
    expect((await rollupDifferences(model)).differences).toEqual([]);
    await closeDb();
    fs.rmSync(tmp, { recursive: true, force: true });
  });
});
