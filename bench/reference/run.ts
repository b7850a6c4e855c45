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
import { subscribe } from "node:diagnostics_channel";
import { execFileSync } from "node:child_process";
import { createReadStream, createWriteStream, existsSync, readFileSync, renameSync, statSync } from "node:fs";
import { once } from "node:events";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { createInterface } from "node:readline";
import { FEATURES, makeFeatures, makeOutcome, MODELS, Rng } from "../read/generate";

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const sizes = opt("sizes", "100000,10000000").split(",").map(Number);
const DB_NAME = opt("db", "driftwatch_bench_reference");
const keep = args.includes("--keep");
const noBaseline = args.includes("--no-baseline");
const bodyDir = opt("body-dir", path.join(os.tmpdir(), "driftwatch-bench-reference"));
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

/** The NDJSON body of n rows as a file (written once, then reused): the upload reads it as a client would send it. */
async function bodyFile(n: number): Promise<string> {
  const file = path.join(bodyDir, `rows-${n}-seed42.ndjson`);
  if (existsSync(file)) return file;
  execFileSync("mkdir", ["-p", bodyDir]);
  const out = createWriteStream(`${file}.part`);
  for (const chunk of ndjson(n, 42)) if (!out.write(chunk)) await once(out, "drain");
  out.end();
  await once(out, "finish");
  renameSync(`${file}.part`, file);
  return file;
}

/** CPU seconds (user + system) of the database's backends serving `db`, by pid (read from /proc: same machine). */
async function backendCpu(db: string): Promise<Map<number, number>> {
  const c = new pg.Client({ connectionString: urlFor("postgres") });
  await c.connect();
  try {
    const { rows } = await c.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = $1`, [db]);
    const out = new Map<number, number>();
    for (const { pid } of rows) {
      try {
        const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
        out.set(pid, (Number(f[11]) + Number(f[12])) / 100); // utime, stime in clock ticks (100 a second)
      } catch {
        // the backend ended meanwhile
      }
    }
    return out;
  } finally {
    await c.end();
  }
}

/** CPU seconds the backends of `db` used between two backendCpu snapshots (a backend new in `after` from zero). */
const cpuBetween = (before: Map<number, number>, after: Map<number, number>) => [...after].reduce((s, [pid, t]) => s + t - (before.get(pid) ?? 0), 0);

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

/**
 * The phases of the upload in flight, as lib/models/references/upload.ts publishes them (ms since it began);
 * `request` is the route's whole answer, from the bench's clock.
 */
const phases = new Map<string, number>();
subscribe("driftwatch.reference.upload", (m) => {
  const { phase, ms } = m as { phase: string; ms: number };
  phases.set(phase, ms);
});
const PHASES = ["setup", "streamed", "profiled", "rowsStored", "samplesStored", "published", "request"];

async function upload(n: number, file: string) {
  const { PUT } = await import("../../app/api/v1/models/[model]/reference/route");
  const body = Readable.toWeb(createReadStream(file, { highWaterMark: 1 << 20 })) as ReadableStream<Uint8Array>;
  const req = new Request(`http://bench/api/v1/models/${MODEL.id}/reference`, {
    method: "PUT",
    headers: { authorization: `Bearer ${process.env.DRIFTWATCH_ADMIN_TOKEN}`, "content-type": "application/x-ndjson" },
    body,
    duplex: "half",
  } as RequestInit);
  phases.clear();
  const t0 = performance.now();
  const res = await PUT(req, { params: Promise.resolve({ model: MODEL.id }) });
  const ms = performance.now() - t0;
  phases.set("request", ms);
  const out = (await res.json()) as { rows?: number; rejectedCount?: number; error?: unknown };
  if (res.status !== 200 || out.rows !== n) throw new Error(`upload: ${res.status} ${JSON.stringify(out).slice(0, 300)}`);
  return ms;
}

/**
 * The database's own cost: the same file's rows COPYed into reference_rows of a scratch set in batches of 5,000
 * (each line parsed and its features written back as JSON, nothing else), from `connections` connections with one
 * batch in flight on each; then the set is removed.
 */
async function baseline(url: string, file: string, connections: number): Promise<number> {
  const clients = await Promise.all(
    Array.from({ length: connections }, async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      return c;
    }),
  );
  const { copyIn, copyField } = await import("../../lib/db/copy");
  try {
    const [{ id }] = (await clients[0].query(`INSERT INTO reference_sets (model_id, version, source) VALUES ($1, 'baseline', '{}') RETURNING id`, [MODEL.id])).rows;
    const t0 = performance.now();
    const idle = [...clients];
    const busy = new Set<Promise<void>>();
    const send = async (text: string) => {
      while (idle.length === 0) await Promise.race(busy);
      const c = idle.pop()!;
      const p: Promise<void> = copyIn(c, "COPY reference_rows (reference_id, row_no, features, prediction, actual) FROM STDIN", text).then(() => {
        busy.delete(p);
        idle.push(c);
      });
      busy.add(p);
    };
    let row = 0;
    let text = "";
    for await (const line of createInterface({ input: createReadStream(file, { highWaterMark: 1 << 20 }), crlfDelay: Infinity })) {
      if (!line) continue;
      const { features, prediction } = JSON.parse(line);
      text += `${id}\t${row++}\t${copyField(JSON.stringify(features))}\t${copyField(JSON.stringify(prediction))}\t\\N\n`;
      if (row % 5000 === 0) {
        await send(text);
        text = "";
      }
    }
    if (text) await send(text);
    await Promise.all(busy);
    const ms = performance.now() - t0;
    await clients[0].query(`DELETE FROM reference_sets WHERE id = $1`, [id]);
    return ms;
  } finally {
    for (const c of clients) await c.end();
  }
}

async function main() {
  const url = urlFor(DB_NAME);
  process.env.DATABASE_URL = url;
  process.env.DRIFTWATCH_ADMIN_TOKEN ??= "bench-reference-admin-token-0123456789";
  process.env.DRIFTWATCH_RATE_LIMIT_PER_SECOND = "0";
  const rows: string[][] = [];
  const phaseRows: string[][] = [];
  for (const n of sizes) {
    console.log(`\n== ${fmt(n)} rows ==`);
    await admin(`DROP DATABASE IF EXISTS ${DB_NAME}`);
    await admin(`CREATE DATABASE ${DB_NAME}`);
    execFileSync("npx", ["tsx", "scripts/db/migrate.ts"], { cwd: path.resolve(__dirname, "../.."), env: process.env, stdio: "ignore" });
    const { defineModel } = await import("../../lib/models/define");
    await defineModel(MODEL.id, { task: MODEL.task, classes: MODEL.classes, positiveClass: MODEL.positiveClass, features: FEATURES } as never);
    const file = await bodyFile(n);
    const bytes = statSync(file).size / n;
    await import("../../app/api/v1/models/[model]/reference/route"); // loaded before the clock starts
    const cpu0 = process.cpuUsage();
    const db0 = await backendCpu(DB_NAME);
    const { result: ms, rss, heap } = await peakMemory(() => upload(n, file));
    const db1 = await backendCpu(DB_NAME);
    const cpu = process.cpuUsage(cpu0);
    const nodeUs = (cpu.user + cpu.system) / n;
    const dbUs = (cpuBetween(db0, db1) * 1e6) / n;
    const base = noBaseline ? NaN : await baseline(url, file, 1);
    const base2 = noBaseline ? NaN : await baseline(url, file, 2);
    const rate = (n / ms) * 1000;
    console.log(`upload ${fmt(ms)} ms = ${fmt(rate)} rows/s; peak RSS ${mb(rss)}, heap ${mb(heap)}; baseline COPY ${fmt(base)} ms = ${fmt((n / base) * 1000)} rows/s, on 2 connections ${fmt(base2)} ms = ${fmt((n / base2) * 1000)} rows/s; CPU a row: this process ${nodeUs.toFixed(1)} µs, database backends ${dbUs.toFixed(1)} µs; load ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
    const at = PHASES.map((p) => (phases.has(p) ? fmt(phases.get(p)!) : "–"));
    console.log(`phases (ms since the upload began): ${PHASES.map((p, i) => `${p} ${at[i]}`).join(", ")}`);
    phaseRows.push([fmt(n), ...at]);
    rows.push([fmt(n), `${fmt(bytes)} B`, `${fmt(ms / 1000)} s`, fmt(rate), fmt((n / base) * 1000), fmt((n / base2) * 1000), `${(ms / base).toFixed(2)}×`, `${nodeUs.toFixed(0)} + ${dbUs.toFixed(0)} µs`, mb(rss), mb(heap), os.loadavg()[0].toFixed(1)]);
    const { closeDb } = await import("../../lib/db/client");
    await closeDb();
  }
  console.log("\n| rows | row size | upload | rows/s | COPY rows/s, 1 conn. | COPY rows/s, 2 conn. | upload ÷ 1-conn. COPY | CPU a row: upload + database | peak RSS | peak heap | load (1 min) |");
  console.log("|---|---|---|---|---|---|---|---|---|---|---|");
  for (const r of rows) console.log(`| ${r.join(" | ")} |`);
  console.log(`\nThe upload's phases, ms since it began (streamed: the last row read and its batch queued; rowsStored and samplesStored overlap the profile's finish):`);
  console.log(`| rows | ${PHASES.join(" | ")} |`);
  console.log(`|---|${PHASES.map(() => "---").join("|")}|`);
  for (const r of phaseRows) console.log(`| ${r.join(" | ")} |`);
  if (!keep) await admin(`DROP DATABASE IF EXISTS ${DB_NAME}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
