/**
 * bench/reference/copy-costs.ts — what PostgreSQL spends on a reference row, by table shape (issue #14).
 *
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \
 *     npx tsx bench/reference/copy-costs.ts [--rows 100000] [--db driftwatch_bench_refcost]
 *
 * Drops and creates the scratch database, migrates it, defines bench/read's fraud-detector, then COPYs the same
 * rows (bench/read's generator, as run.ts uploads them) in batches of 5,000 from one connection into
 * `reference_rows` as it is and into scratch tables without its foreign key, without its primary key, with json
 * or text instead of jsonb. It prints the backend's CPU time a row (from /proc: the server must run on this
 * machine), which the machine's load changes far less than the wall time.
 */
import pg from "pg";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { FEATURES, makeFeatures, makeOutcome, MODELS, Rng } from "../read/generate";
import { copyField, copyIn } from "../../lib/db/copy";

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const N = Number(opt("rows", "100000"));
const DB_NAME = opt("db", "driftwatch_bench_refcost");
if (!/^[a-z0-9_]+$/.test(DB_NAME)) throw new Error(`--db: ${DB_NAME} is not a plain database name`);
const server = new URL(process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres");
const urlFor = (db: string) => Object.assign(new URL(server.toString()), { pathname: `/${db}` }).toString();
const MODEL = MODELS[0];
const cols = "(reference_id int8, row_no int4, features %T, prediction %T, actual %T%K)";

const SHAPES: { name: string; table: string; ddl?: string }[] = [
  { name: "reference_rows (jsonb, primary key, foreign key)", table: "reference_rows" },
  { name: "jsonb, primary key, no foreign key", table: "c_pk", ddl: cols.replaceAll("%T", "jsonb").replace("%K", ", PRIMARY KEY (reference_id, row_no)") },
  { name: "jsonb, no keys", table: "c_nokey", ddl: cols.replaceAll("%T", "jsonb").replace("%K", "") },
  { name: "json, primary key, no foreign key", table: "c_json", ddl: cols.replaceAll("%T", "json").replace("%K", ", PRIMARY KEY (reference_id, row_no)") },
  { name: "text, no keys", table: "c_text", ddl: cols.replaceAll("%T", "text").replace("%K", "") },
];

async function admin(sql: string) {
  const c = new pg.Client({ connectionString: urlFor("postgres") });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

const cpuSeconds = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(f[11]) + Number(f[12])) / 100;
};

async function main() {
  await admin(`DROP DATABASE IF EXISTS ${DB_NAME}`);
  await admin(`CREATE DATABASE ${DB_NAME}`);
  const url = urlFor(DB_NAME);
  process.env.DATABASE_URL = url;
  execFileSync("npx", ["tsx", "scripts/db/migrate.ts"], { cwd: path.resolve(__dirname, "../.."), env: process.env, stdio: "ignore" });
  const { defineModel } = await import("../../lib/models/define");
  await defineModel(MODEL.id, { task: MODEL.task, classes: MODEL.classes, positiveClass: MODEL.positiveClass, features: FEATURES } as never);
  const { closeDb } = await import("../../lib/db/client");
  await closeDb();
  const r = new Rng(42);
  const rows: string[] = [];
  for (let i = 0; i < N; i++) {
    const features = makeFeatures(r, false);
    rows.push(`${copyField(JSON.stringify(features))}\t${copyField(JSON.stringify(makeOutcome(r, MODEL, features, false).prediction))}\t\\N\n`);
  }
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const pid = (await c.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0].pid;
  try {
    for (const shape of SHAPES) {
      if (shape.ddl) await c.query(`CREATE TABLE ${shape.table} ${shape.ddl}`);
      const [{ id }] = (await c.query(`INSERT INTO reference_sets (model_id, version, source) VALUES ($1, 'copy-costs', '{}') RETURNING id`, [MODEL.id])).rows;
      const cpu0 = cpuSeconds(pid);
      const t0 = performance.now();
      for (let i = 0; i < N; i += 5000) {
        let text = "";
        for (let j = i; j < Math.min(N, i + 5000); j++) text += `${id}\t${j}\t${rows[j]}`;
        await copyIn(c, `COPY ${shape.table} (reference_id, row_no, features, prediction, actual) FROM STDIN`, text);
      }
      const ms = performance.now() - t0;
      const us = ((cpuSeconds(pid) - cpu0) * 1e6) / N;
      console.log(`${shape.name}: backend CPU ${us.toFixed(1)} µs a row; ${Math.round((N / ms) * 1000).toLocaleString("en-US")} rows/s`);
      await c.query(`DELETE FROM reference_sets WHERE id = $1`, [id]);
    }
  } finally {
    await c.end();
  }
  await admin(`DROP DATABASE IF EXISTS ${DB_NAME}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
