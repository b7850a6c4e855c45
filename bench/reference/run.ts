/**
 * bench/reference — uploading a reference as NDJSON (issue #14: ≥ 50,000 rows/s on PostgreSQL with 20 features,
 * and a 10M-row reference in bounded memory).
 *
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \
 *     npx tsx bench/reference/run.ts [--sizes 100000,10000000] [--db driftwatch_bench_reference] [--keep]
 *
 * For each size: drops and creates the scratch database, migrates it, defines bench/read's fraud-detector model
 * (its 20 declared features: 14 numerical, 6 categorical), then sends `PUT /api/v1/models/fraud-detector/reference`
 * with an NDJSON body of N rows of bench/read's generator (features and prediction, ~420 bytes a row), generated
 * while it streams, to the route handler in this process (the handler the server runs, without the socket: the
 * body is a stream either way). It prints the rows per second, the process's peak RSS and heap while uploading,
 * and a baseline measured in the same run: the same NDJSON rows COPYed straight into reference_rows from one
 * connection (no parsing, validation or profile), so the ratio shows what the upload adds to the database's own
 * cost of taking the rows in.
 */
import pg from "pg";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { FEATURES, makeFeatures, makeOutcome, MODELS, Rng } from "../read/generate";

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const sizes = opt("sizes", "100000,10000000").split(",").map(Number);
const DB_NAME = opt("db", "driftwatch_bench_reference");
const keep = args.includes("--keep");
if (!/^[a-z0-9_]+$/.test(DB_NAME)) throw new Error(`--db: ${DB_NAME} is not a plain database name`);
const server = new URL(process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres");
const urlFor = (db: string) => Object.assign(new URL(server.toString()), { pathname: `/${db}` }).toString();
const MODEL = MODELS[0];
const CHUNK_ROWS = 2000;
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const mb = (b: number) => `${fmt(b / 2 ** 20)} MB`;

async function admin(sql: string) {
  const c = new pg.Client({ connectionString: urlFor("postgres") });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** N NDJSON rows in chunks of CHUNK_ROWS lines, the same for a seed. */
function* ndjson(n: number, seed: number): Generator<Buffer> {
  const r = new Rng(seed);
  for (let i = 0; i < n; i += CHUNK_ROWS) {
    let text = "";
    for (let j = i; j < Math.min(n, i + CHUNK_ROWS); j++) {
      const features = makeFeatures(r, false);
      text += JSON.stringify({ features, prediction: makeOutcome(r, MODEL, features, false).prediction }) + "\n";
    }
    yield Buffer.from(text);
  }
}

/** Peak RSS and heap of this process while `fn` runs, sampled every 100 ms. */
async function peakMemory<T>(fn: () => Promise<T>): Promise<{ result: T; rss: number; heap: number }> {
  let rss = 0;
  let heap = 0;
  const sample = () => {
    const m = process.memoryUsage();
    rss = Math.max(rss, m.rss);
    heap = Math.max(heap, m.heapUsed);
  };
  const timer = setInterval(sample, 100);
  try {
    const result = await fn();
    sample();
    return { result, rss, heap };
  } finally {
    clearInterval(timer);
  }
}

async function upload(n: number) {
  const { PUT } = await import("../../app/api/v1/models/[model]/reference/route");
  const chunks = ndjson(n, 42);
  const body = new ReadableStream<Uint8Array>({
    pull(c) {
      const next = chunks.next();
      if (next.done) c.close();
      else c.enqueue(new Uint8Array(next.value));
    },
  });
  const req = new Request(`http://bench/api/v1/models/${MODEL.id}/reference`, {
    method: "PUT",
    headers: { authorization: `Bearer ${process.env.DRIFTWATCH_ADMIN_TOKEN}`, "content-type": "application/x-ndjson" },
    body,
    duplex: "half",
  } as RequestInit);
  const t0 = performance.now();
  const res = await PUT(req, { params: Promise.resolve({ model: MODEL.id }) });
  const ms = performance.now() - t0;
  const out = (await res.json()) as { rows?: number; rejectedCount?: number; error?: unknown };
  if (res.status !== 200 || out.rows !== n) throw new Error(`upload: ${res.status} ${JSON.stringify(out).slice(0, 300)}`);
  return ms;
}

/** The database's own cost: the same rows COPYed into reference_rows of a scratch set, then removed. */
async function baseline(url: string, n: number): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const { copyIn, copyField } = await import("../../lib/db/copy");
  try {
    const [{ id }] = (await c.query(`INSERT INTO reference_sets (model_id, version, source) VALUES ($1, 'baseline', '{}') RETURNING id`, [MODEL.id])).rows;
    const t0 = performance.now();
    let row = 0;
    for (const chunk of ndjson(n, 42)) {
      let text = "";
      for (const line of chunk.toString().split("\n")) {
        if (!line) continue;
        const { features, prediction } = JSON.parse(line);
        text += `${id}\t${row++}\t${copyField(JSON.stringify(features))}\t${copyField(JSON.stringify(prediction))}\t\\N\n`;
      }
      await copyIn(c, "COPY reference_rows (reference_id, row_no, features, prediction, actual) FROM STDIN", text);
    }
    const ms = performance.now() - t0;
    await c.query(`DELETE FROM reference_sets WHERE id = $1`, [id]);
    return ms;
  } finally {
    await c.end();
  }
}

async function main() {
  const url = urlFor(DB_NAME);
  process.env.DATABASE_URL = url;
  process.env.DRIFTWATCH_ADMIN_TOKEN ??= "bench-reference-admin-token-0123456789";
  process.env.DRIFTWATCH_RATE_LIMIT_PER_SECOND = "0";
  const rows: string[][] = [];
  for (const n of sizes) {
    console.log(`\n== ${fmt(n)} rows ==`);
    await admin(`DROP DATABASE IF EXISTS ${DB_NAME}`);
    await admin(`CREATE DATABASE ${DB_NAME}`);
    execFileSync("npx", ["tsx", "scripts/db/migrate.ts"], { cwd: path.resolve(__dirname, "../.."), env: process.env, stdio: "ignore" });
    const { defineModel } = await import("../../lib/models/define");
    await defineModel(MODEL.id, { task: MODEL.task, classes: MODEL.classes, positiveClass: MODEL.positiveClass, features: FEATURES } as never);
    const bytes = [...ndjson(Math.min(n, 10_000), 42)].reduce((s, b) => s + b.length, 0) / Math.min(n, 10_000);
    const { result: ms, rss, heap } = await peakMemory(() => upload(n));
    const base = await baseline(url, n);
    const rate = (n / ms) * 1000;
    console.log(`upload ${fmt(ms)} ms = ${fmt(rate)} rows/s; peak RSS ${mb(rss)}, heap ${mb(heap)}; baseline COPY ${fmt(base)} ms = ${fmt((n / base) * 1000)} rows/s`);
    rows.push([fmt(n), `${fmt(bytes)} B`, `${fmt(ms / 1000)} s`, fmt(rate), `${fmt((n / base) * 1000)}`, `${(ms / base).toFixed(2)}×`, mb(rss), mb(heap)]);
    const { closeDb } = await import("../../lib/db/client");
    await closeDb();
  }
  console.log("\n| rows | row size | upload | rows/s | baseline COPY rows/s | upload ÷ baseline | peak RSS | peak heap |");
  console.log("|---|---|---|---|---|---|---|---|");
  for (const r of rows) console.log(`| ${r.join(" | ")} |`);
  if (!keep) await admin(`DROP DATABASE IF EXISTS ${DB_NAME}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
