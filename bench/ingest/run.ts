/**
 * bench/ingest — posts events to a running Driftwatch from a second process and reports throughput and latency.
 *
 *   npx tsx bench/ingest/run.ts [--db embedded|postgres] [--events 200000] [--batch 1000] [--concurrency 2]
 *                               [--prefill N] [--ids ordered|random] [--workers 1] [--reference ROWS] [--warmup 20]
 *
 * It starts the built app itself (`scripts/start.ts`) on a scratch embedded database or a scratch PostgreSQL
 * database (`driftwatch_bench` on DATABASE_URL's server, default 127.0.0.1), posts pre-serialised 1,000-event
 * batches of 10 features, checks that every event was stored exactly once, and on PostgreSQL measures a baseline
 * in the same run: the same rows COPYed straight into the table from one connection, no HTTP, validation or
 * rollups, so the ratio shows what the app adds.
 *
 * `--prefill N` (PostgreSQL) first fills prediction_events server-side with N earlier rows of the bench's own model
 * (INSERT … SELECT generate_series, ~330-byte rows with 10 features, ids of the same kind, no rollups), then VACUUM
 * ANALYZE, so the run writes into a table — and a key range — that already holds N events. The filled database is
 * kept as a template (`driftwatch_bench_prefill_N_<ids>_<hash of the migrations>`) and copied for later runs. Before the timed run the server is made to CHECKPOINT, so the run
 * starts from a settled database rather than in the middle of writing back the fill (a database that gathered its
 * events over weeks has no such backlog).
 *
 * `--warmup N`: full batches of another model sent before the timed run, by as many clients, so that every thread
 * of the server that stores batches has run the write path before the clock starts (default 20; 0: none).
 *
 * `--reference ROWS` defines the model (its 10 features declared) and uploads a reference of ROWS rows through the
 * API before any event, as a monitored model has: the write path then also counts every feature into the
 * reference's frozen drift bins. With --prefill it is part of the template, uploaded before the fill.
 */
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { copyIn } from "../../lib/db/copy";
import { assignLayouts, EVENT_COLUMNS, eventRow, eventsCopyText } from "../../lib/ingest/predictions";
import { layoutIds } from "../../lib/db/featureLayouts";
import { closeDb } from "../../lib/db/client";
import { readMigrations } from "../../lib/db/migrate";
import { rollupDifferences } from "../../lib/rollups/store/recount";
import { serverNodeArgs } from "../../scripts/nodeFlags";

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const dbKind = opt("db", process.env.DATABASE_URL ? "postgres" : "embedded") as "embedded" | "postgres";
const total = Number(opt("events", "200000"));
const batch = Number(opt("batch", "1000"));
const concurrency = Number(opt("concurrency", "2"));
const port = Number(opt("port", "3200"));
const prefill = Number(opt("prefill", "0"));
// server processes (DRIFTWATCH_WORKERS; PostgreSQL only)
const workers = Number(opt("workers", "1"));
// "ordered": time-ordered ids as a service using UUIDv7 or a sequence sends them; "random": UUIDv4.
const idKind = opt("ids", "ordered") as "ordered" | "random";
if (idKind !== "ordered" && idKind !== "random") throw new Error("--ids must be ordered or random");
// rows of the reference uploaded before the run (0: none, so features are counted for data quality only)
const referenceRows = Number(opt("reference", "0"));
// full batches of another model sent (with the run's clients) before the timed run
const warmupBatches = Number(opt("warmup", "20"));
const root = path.resolve(__dirname, "..", "..");
const TOKEN = "bench-admin-token-0123456789";
const base = `http://127.0.0.1:${port}`;

const pgServer = process.env.DATABASE_URL
  ? new URL(process.env.DATABASE_URL)
  : new URL("postgresql://postgres@127.0.0.1:5432/postgres");
const dbUrl = (name: string) => {
  const u = new URL(pgServer.toString());
  u.pathname = `/${name}`;
  return u.toString();
};
const benchDbUrl = dbUrl("driftwatch_bench");

/** The model the run (and the prefill) write; each run has a fresh database. */
const MODEL = "bench";

const COUNTRIES = ["DE", "FR", "US", "GB", "ES", "IT", "NL", "PL"];
const CHANNELS = ["web", "app", "pos"];

/** Deterministic events (but for `--ids random`): 7 numerical and 3 categorical features. */
function makeBatch(model: string, start: number, n: number, t0: number) {
  const events = [];
  for (let i = start; i < start + n; i++) {
    const x = Math.sin(i * 12.9898) * 43758.5453;
    const r = x - Math.floor(x);
    events.push({
      id: idKind === "random" ? crypto.randomUUID() : `evt-${String(i).padStart(10, "0")}`,
      model,
      version: i % 4 === 0 ? "v2" : "v1",
      timestamp: new Date(t0 + i * 10).toISOString(),
      features: {
        amount: Math.round(r * 50000) / 100,
        age: 18 + (i % 63),
        score: r,
        n_items: i % 9,
        distance_km: Math.round(r * 9000) / 10,
        hour: i % 24,
        balance: Math.round((r - 0.3) * 1e6) / 100,
        country: COUNTRIES[i % COUNTRIES.length],
        channel: CHANNELS[i % CHANNELS.length],
        is_new_user: i % 7 === 0 ? "yes" : "no",
      },
      prediction: r > 0.9 ? "fraud" : "legit",
      probabilities: { fraud: Math.round(r * 1000) / 1000, legit: Math.round((1 - r) * 1000) / 1000 },
      latencyMs: Math.round((5 + r * 40) * 10) / 10,
      ...(i % 200 === 0 ? { error: { type: "timeout" } } : {}),
    });
  }
  return events;
}

const quantile = (sorted: number[], p: number) => {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  return sorted[lo] + (h - lo) * ((sorted[Math.min(lo + 1, sorted.length - 1)] ?? sorted[lo]) - sorted[lo]);
};

async function waitHealthy(server: ChildProcess) {
  for (let i = 0; i < 600; i++) {
    if (server.exitCode !== null) throw new Error(`server exited with ${server.exitCode}`);
    try {
      if ((await fetch(`${base}/api/health`)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("server did not become healthy");
}

/**
 * A keep-alive HTTP client on node:http: fetch (undici) spent about a quarter of a core on 2 clients' requests,
 * CPU the server shares on this machine, so the lighter client leaves more of it to what is measured.
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

async function post(body: Buffer): Promise<{ ms: number; accepted: number; duplicates: number }> {
  const t = performance.now();
  const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = http.request(
      `${base}/api/v1/predictions`,
      {
        method: "POST",
        agent,
        headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", "content-length": body.length },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
  if (status !== 200) throw new Error(`status ${status}: ${text.slice(0, 300)}`);
  const json = JSON.parse(text) as { accepted: number; duplicates: number };
  return { ms: performance.now() - t, accepted: json.accepted, duplicates: json.duplicates };
}

/** Defines the bench model with its features and uploads a reference of `rows` events' features and predictions. */
async function defineWithReference(rows: number) {
  const call = async (pathname: string, body: unknown) => {
    const res = await fetch(`${base}${pathname}`, {
      method: "PUT",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`PUT ${pathname}: ${res.status} ${(await res.text()).slice(0, 300)}`);
  };
  const numerical = ["amount", "age", "score", "n_items", "distance_km", "hour", "balance"];
  const categorical = ["country", "channel", "is_new_user"];
  await call(`/api/v1/models/${MODEL}`, {
    task: "binary_classification",
    classes: ["legit", "fraud"],
    positiveClass: "fraud",
    features: [...numerical.map((name) => ({ name, type: "numerical" })), ...categorical.map((name) => ({ name, type: "categorical" }))],
  });
  // events far from the run's own (another stretch of the generator), same distribution
  const sample = makeBatch(MODEL, 5_000_000_000, rows, 0);
  await call(`/api/v1/models/${MODEL}/reference`, { rows: sample.map((e) => ({ features: e.features, prediction: e.prediction })) });
}

/** Sends every body with `concurrency` clients; returns per-request latencies and totals. */
async function load(bodies: Buffer[]) {
  const latencies: number[] = [];
  let accepted = 0;
  let duplicates = 0;
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < bodies.length) {
        const r = await post(bodies[next++]);
        latencies.push(r.ms);
        accepted += r.accepted;
        duplicates += r.duplicates;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  return { seconds, accepted, duplicates, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), max: latencies.at(-1)! };
}

/**
 * The same rows written straight into the table as the app writes a new batch (one COPY per batch, the app's own
 * COPY text), from one connection, without HTTP, validation, label joins or rollups: the database's own cost of
 * the rows, for the ratio. Ids are fresh keys of the same kind in the same model's key range.
 */
async function baseline(batches: ReturnType<typeof makeBatch>[]) {
  const client = new pg.Client({ connectionString: benchDbUrl });
  await client.connect();
  const receivedAt = new Date();
  const query = async (sql: { text: string; values: unknown[] }) => (await client.query(sql.text, sql.values)).rows;
  const texts: string[] = [];
  for (const events of batches) {
    const rows = events.map((e) =>
      eventRow({ ...e, id: idKind === "random" ? crypto.randomUUID() : `base-${e.id}`, timestamp: new Date(e.timestamp) }, receivedAt),
    );
    await assignLayouts(rows, query);
    texts.push(eventsCopyText(rows));
  }
  const t0 = performance.now();
  for (const text of texts) {
    await client.query("BEGIN");
    await copyIn(client, `COPY prediction_events (${EVENT_COLUMNS}) FROM STDIN`, text);
    await client.query("COMMIT");
  }
  const seconds = (performance.now() - t0) / 1000;
  await client.end();
  return seconds;
}

/**
 * N earlier rows of the bench's model, written by the database itself: 10 features like the bench's, ids of the
 * same kind (ordered ones sort before the run's, as older UUIDv7s would; random ones are UUIDv4-shaped).
 */
async function prefillEvents(url: string, n: number) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const t0 = performance.now();
  // raw events are partitioned by UTC day: the days the fill spans (and the run's) need their partitions
  await client.query(`SELECT dw_ensure_event_partitions(ARRAY(
    SELECT d::date FROM generate_series(now() - interval '31 days', now() + interval '1 day', interval '1 day') d))`);
  const chunk = 1_000_000;
  // features stored as the write path stores them: values in the order of their layout's key list
  const keys = ["amount", "age", "score", "n_items", "distance_km", "hour", "balance", "country", "channel", "is_new_user"];
  const layouts = await layoutIds(async (sql) => (await client.query(sql.text, sql.values)).rows, [JSON.stringify(keys)]);
  for (let from = 0; from < n; from += chunk) {
    await client.query(
      `INSERT INTO prediction_events (model_id, id, version, ts, layout_id, feature_values, prediction, probabilities, confidence, latency_ms)
       SELECT $3::text, CASE WHEN $4::boolean THEN md5(g::text)::uuid::text ELSE 'a-' || lpad(g::text, 10, '0') END, CASE WHEN g % 4 = 0 THEN 'v2' ELSE 'v1' END,
              now() - interval '30 days' + g * interval '10 ms', ${layouts.get(JSON.stringify(keys))},
              json_build_array(round((r * 500)::numeric, 2), 18 + g % 63, r, g % 9,
                               round((r * 900)::numeric, 1), g % 24, round(((r - 0.3) * 10000)::numeric, 2),
                               (ARRAY['DE','FR','US','GB','ES','IT','NL','PL'])[1 + g % 8],
                               (ARRAY['web','app','pos'])[1 + g % 3], CASE WHEN g % 7 = 0 THEN 'yes' ELSE 'no' END),
              to_jsonb(CASE WHEN r > 0.9 THEN 'fraud' ELSE 'legit' END),
              jsonb_build_object('fraud', round(r::numeric, 3), 'legit', round((1 - r)::numeric, 3)), greatest(r, 1 - r), 5 + r * 40
       FROM (SELECT g, random() AS r FROM generate_series($1::bigint, $2::bigint) g) s`,
      [from + 1, Math.min(n, from + chunk), MODEL, idKind === "random"],
    );
  }
  const filled = performance.now();
  await client.query("VACUUM (ANALYZE) prediction_events");
  await client.end();
  return { fillSeconds: (filled - t0) / 1000, vacuumSeconds: (performance.now() - filled) / 1000 };
}

/** Starts the built app on the given database (or data directory); resolves once it answers. */
async function startServer(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  // BENCH_NODE_ARGS passes flags to the server's node (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const server = spawn(process.execPath, serverNodeArgs(nodeArgs), {
    cwd: root,
    env,
    stdio: ["ignore", "ignore", "inherit"],
    detached: true,
  });
  await waitHealthy(server);
  return server;
}

async function stopServer(server: ChildProcess) {
  if (server.pid && server.exitCode === null) {
    const exited = new Promise((r) => server.once("exit", r));
    process.kill(-server.pid, "SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  }
}

async function adminQuery(sql: string) {
  const admin = new pg.Client({ connectionString: pgServer.toString() });
  await admin.connect();
  try {
    return (await admin.query(sql)).rows;
  } finally {
    await admin.end();
  }
}

/** How many cores' worth of CPU the machine spends over one second while the bench is idle (others' work). */
async function busyCores() {
  const total = () => {
    let busy = 0;
    let idle = 0;
    for (const { times } of os.cpus()) {
      busy += times.user + times.nice + times.sys + times.irq;
      idle += times.idle;
    }
    return { busy, idle };
  };
  const a = total();
  await new Promise((r) => setTimeout(r, 1000));
  const b = total();
  return ((b.busy - a.busy) / (b.busy - a.busy + b.idle - a.idle)) * os.cpus().length;
}

/**
 * CPU seconds used so far by the server's process group and by PostgreSQL's processes (those named "postgres"),
 * read from /proc (Linux; zeros elsewhere), to show where a run's CPU goes: both share this machine's cores.
 */
function cpuByPart(serverPgid: number | undefined): { server: number; database: number } {
  const out = { server: 0, database: 0 };
  if (!fs.existsSync("/proc/self/stat")) return out;
  for (const pid of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    } catch {
      continue; // exited meanwhile
    }
    const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // fields[0] is the state (field 3)
    const seconds = (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks of 1/100 s
    if (comm === "postgres") out.database += seconds;
    else if (Number(fields[2]) === serverPgid) out.server += seconds; // process group (field 5)
  }
  return out;
}

/** The server's WAL position in bytes and its checkpoint count (timed and requested), to show what a run costs. */
async function walStats() {
  const [row] = await adminQuery(
    "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::float8 AS bytes, (checkpoints_timed + checkpoints_req)::int AS checkpoints FROM pg_stat_bgwriter",
  );
  return { bytes: Number(row.bytes), checkpoints: Number(row.checkpoints) };
}

/**
 * The database holding `n` prefilled events, migrated to the current schema: made once (server-side fill through
 * a server started on it, so the migrations are the app's own), then reused. Returns its name and how it was made.
 */
async function prefilledTemplate(env: NodeJS.ProcessEnv, n: number) {
  const tag = crypto.createHash("sha256").update(readMigrations().map((m) => m.checksum).join()).digest("hex").slice(0, 10);
  const name = `driftwatch_bench_prefill_${n}_${idKind}_ref${referenceRows}_${tag}`;
  const exists = await adminQuery(`SELECT 1 FROM pg_database WHERE datname = '${name}'`);
  if (exists.length > 0) return { name, made: null };
  for (const old of await adminQuery(`SELECT datname FROM pg_database WHERE datname LIKE 'driftwatch_bench_prefill_${n}_${idKind}_ref${referenceRows}_%'`)) {
    await adminQuery(`DROP DATABASE "${old.datname}"`);
  }
  const building = `${name}_building`;
  await adminQuery(`DROP DATABASE IF EXISTS "${building}"`);
  await adminQuery(`CREATE DATABASE "${building}"`);
  const server = await startServer({ ...env, DATABASE_URL: dbUrl(building) });
  try {
    if (referenceRows > 0) await defineWithReference(referenceRows);
    const made = await prefillEvents(dbUrl(building), n);
    await stopServer(server);
    await adminQuery(`ALTER DATABASE "${building}" RENAME TO "${name}"`);
    return { name, made };
  } finally {
    await stopServer(server);
  }
}

async function main() {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: "127.0.0.1",
    DRIFTWATCH_ADMIN_TOKEN: TOKEN,
    DRIFTWATCH_WORKERS: String(workers),
  };
  let dataDir: string | undefined;
  let prefilled: { template: string; made: { fillSeconds: number; vacuumSeconds: number } | null } | null = null;
  if (dbKind === "postgres") {
    await adminQuery("DROP DATABASE IF EXISTS driftwatch_bench");
    if (prefill > 0) {
      const { name, made } = await prefilledTemplate(env, prefill);
      await adminQuery(`CREATE DATABASE driftwatch_bench TEMPLATE "${name}" STRATEGY FILE_COPY`);
      prefilled = { template: name, made };
    } else {
      await adminQuery("CREATE DATABASE driftwatch_bench");
    }
    env.DATABASE_URL = benchDbUrl;
  } else {
    if (prefill > 0) throw new Error("--prefill needs --db postgres");
    delete env.DATABASE_URL;
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "driftwatch-bench-"));
    env.DRIFTWATCH_DATA_DIR = dataDir;
  }
  // Bodies are made before the server starts: an idle keep-alive connection from the health check would
  // otherwise be closed by the server while a large run is still being generated.
  const model = MODEL;
  const t0 = Date.now() - 7 * 24 * 3600 * 1000;
  const batches = Array.from({ length: Math.ceil(total / batch) }, (_, b) => makeBatch(model, b * batch, Math.min(batch, total - b * batch), t0));
  const bodies = batches.map((events) => Buffer.from(JSON.stringify({ events })));
  const bytes = bodies.reduce((s, b) => s + b.length, 0);
  const server = await startServer(env);
  try {
    if (referenceRows > 0 && !prefilled) await defineWithReference(referenceRows);
    if (dbKind === "postgres") await adminQuery("CHECKPOINT");

    // First-use costs out of the timing: code not yet optimised, connections and their prepared statements, caches.
    // The server has several threads that store batches (DRIFTWATCH_INGEST_THREADS) and each pays them once, so the
    // warm-up sends full batches of another model with the run's clients, which spreads them over the threads.
    const warm = await load(Array.from({ length: warmupBatches }, (_, b) => Buffer.from(JSON.stringify({ events: makeBatch(`${model}-warmup`, b * batch, batch, t0) }))));
    const idleBusy = await busyCores();
    const walBefore = dbKind === "postgres" ? await walStats() : null;
    const cpuBefore = { ...cpuByPart(server.pid), client: process.cpuUsage() };
    const run = await load(bodies);
    const cpuAfter = cpuByPart(server.pid);
    const clientCpu = process.cpuUsage(cpuBefore.client);
    const walAfter = dbKind === "postgres" ? await walStats() : null;
    const replay = await load(bodies.slice(0, Math.min(bodies.length, 20)));

    const detail = await fetch(`${base}/api/v1/models/${model}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const stored = ((await detail.json()) as { counts: { events: number } }).counts.events;
    // The run's hours hold only its own events (the prefill lies weeks earlier): their rollups must equal a
    // recount from the raw events, whatever the number of concurrent writers.
    let recount: { differences: string[]; rows: number; seconds: number } | null = null;
    if (dbKind === "postgres") {
      process.env.DATABASE_URL = benchDbUrl;
      const r0 = performance.now();
      const hour = 3_600_000;
      const range = { from: new Date(Math.floor(t0 / hour) * hour), to: new Date(Math.ceil((t0 + total * 10) / hour) * hour + hour) };
      recount = { ...(await rollupDifferences(model, undefined, range)), seconds: (performance.now() - r0) / 1000 };
      await closeDb();
    }
    const base_s = dbKind === "postgres" ? await baseline(batches) : null;

    const rows: [string, string][] = [
      ["database", dbKind === "postgres" ? "PostgreSQL (real server)" : "embedded PGlite"],
      // Client, server and database share this machine: anything else running skews every figure.
      ["cores busy with other work before the run", `${idleBusy.toFixed(2)} of ${os.cpus().length}${idleBusy > 0.3 ? " (expect lower figures)" : ""}`],
      ["events / batch / clients / ids / server processes", `${total} / ${batch} / ${concurrency} / ${idKind} / ${workers}`],
      ["reference", referenceRows > 0 ? `${referenceRows} rows: features counted into its drift bins too` : "none"],
      ...(prefilled
        ? [
            [
              "prefilled events",
              prefilled.made
                ? `${prefill} (filled in ${prefilled.made.fillSeconds.toFixed(0)} s, vacuum ${prefilled.made.vacuumSeconds.toFixed(0)} s)`
                : `${prefill} (copied from ${prefilled.template})`,
            ] as [string, string],
          ]
        : []),
      ["payload", `${(bytes / total).toFixed(0)} bytes/event, ${(bytes / 1e6).toFixed(1)} MB`],
      ["wall time", `${run.seconds.toFixed(2)} s`],
      ["throughput", `${Math.round(total / run.seconds).toLocaleString("en-US")} events/s`],
      [
        "CPU per event: server / database / this client",
        [cpuAfter.server - cpuBefore.server, cpuAfter.database - cpuBefore.database, (clientCpu.user + clientCpu.system) / 1e6]
          .map((sec) => `${((sec * 1e6) / total).toFixed(1)} µs`)
          .join(" / ") + ` (${((cpuAfter.server - cpuBefore.server + cpuAfter.database - cpuBefore.database) / run.seconds).toFixed(2)} cores)`,
      ],
      ["request latency p50 / p99 / max", `${run.p50.toFixed(1)} / ${run.p99.toFixed(1)} / ${run.max.toFixed(1)} ms`],
      ["warm-up before the run (not timed)", warmupBatches > 0 ? `${warmupBatches} batches, p50 / max ${warm.p50.toFixed(1)} / ${warm.max.toFixed(1)} ms` : "none"],
      ...(walBefore && walAfter
        ? [
            [
              "WAL written / checkpoints during run",
              `${((walAfter.bytes - walBefore.bytes) / total).toFixed(0)} bytes/event, ${walAfter.checkpoints - walBefore.checkpoints}`,
            ] as [string, string],
          ]
        : []),
      ["stored exactly once", `${stored === total && run.accepted === total ? "yes" : "NO"} (stored ${stored}, accepted ${run.accepted})`],
      ...(recount
        ? [
            [
              "rollups equal a recount from raw events",
              `${recount.differences.length === 0 ? "yes" : `NO, ${recount.differences.length} differences, e.g. ${recount.differences[0]}`} (${recount.rows} metric rows, ${recount.seconds.toFixed(0)} s)`,
            ] as [string, string],
          ]
        : []),
      ["replay of 20 batches", `${replay.duplicates} duplicates, ${replay.accepted} stored, p50 ${replay.p50.toFixed(1)} ms`],
    ];
    if (base_s !== null) {
      rows.push(["baseline: COPY of the rows, 1 connection", `${Math.round(total / base_s).toLocaleString("en-US")} events/s`]);
      rows.push(["app / baseline throughput", `${(base_s / run.seconds).toFixed(2)}×`]);
    }
    const w = Math.max(...rows.map((r) => r[0].length));
    console.log("\n" + rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join("\n"));
    if (stored !== total || (recount && recount.differences.length > 0)) process.exitCode = 1;
  } finally {
    await stopServer(server);
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
