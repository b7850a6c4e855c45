/**
 * bench/soak — Driftwatch under steady mixed load for minutes (issue #15): does it keep up, stay correct, and not
 * grow?
 *
 *   npx tsx bench/soak/run.ts [--minutes 10] [--rate 5000] [--writers 2] [--batch 500] [--keep] [--port 3550]
 *                             [--workers 1] [--warmup 2] [--read-every 5] [--scrape-every 15] [--app-dir <checkout>]
 *                             [--reference-rows 5000] [--no-wait]
 *
 * It starts the built app (`scripts/start.ts`, which builds first if sources changed; from --app-dir if given) on a
 * fresh scratch database `driftwatch_bench_soak` on DATABASE_URL's server (default the main PostgreSQL,
 * postgresql://postgres@127.0.0.1:5432), defines three models (binary, multiclass, regression; bench/read's 20
 * features) with a 5,000-row reference each through the API, gives every writer an `ingest` API key and the
 * reader a `read` key, and signs in a dashboard session for the first admin. Then, for --minutes:
 *
 * - `--writers` writer processes (writer.ts, forked: separate processes, as separate services are) each post
 *   prediction batches at a paced `--rate` events/s, with labels for ~30 % of them arriving later (some late, some
 *   before their prediction, some corrected) and retries that must change nothing (whole batches and label batches
 *   resent, batches repeating part of an acknowledged one) — see writer.ts;
 * - this process reads every --read-every seconds: the overview page, a model page, its drift page (signed in
 *   with the session cookie), and the read API (the overview and an hour's metrics at 1 min, with the read key);
 *   and scrapes `/metrics` every --scrape-every seconds;
 * - it samples the resident memory of the server's processes (its whole process group) every 10 s.
 *
 * At the end it reports throughput, p50/p99 per request kind, error responses by status, RSS per minute and its
 * growth after the warm-up, and checks what was stored: raw events = acknowledged events, labels = labels sent,
 * every label joined to its prediction, the overview's and /metrics' counts = the events stored, and every model's
 * rollups = a recount from its raw events and labels (lib/rollups/store/recount.ts). It exits 2 when a Done-when
 * condition of issue #15 fails (RSS growth ≥ 10 % after the warm-up, any error response, rollups ≠ recount,
 * stored ≠ acknowledged) or when the writers did not reach 95 % of the asked rate; 1 on a crash.
 */
import { execFileSync, fork, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { FEATURES, makeFeatures, makeOutcome, MODELS, Rng } from "../read/generate";
import { request, type Sample, STALE_SOCKET, type WriterMessage, type WriterTally } from "./wire";
import type { StartMessage, WriterConfig } from "./writer";
import { serverNodeArgs } from "../../scripts/nodeFlags";

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const minutes = Number(opt("minutes", "10"));
const rate = Number(opt("rate", "5000"));
const writers = Number(opt("writers", "2"));
const batch = Number(opt("batch", "500"));
const keep = args.includes("--keep");
const port = Number(opt("port", "3550"));
/** server processes (DRIFTWATCH_WORKERS) */
const serverWorkers = Number(opt("workers", "1"));
/** minutes left out of the RSS growth: caches, JIT and pools settle */
const warmup = Number(opt("warmup", String(Math.min(2, minutes / 5))));
const readEvery = Number(opt("read-every", "5"));
const scrapeEvery = Number(opt("scrape-every", "15"));
const referenceRows = Number(opt("reference-rows", "5000"));
const root = path.resolve(__dirname, "..", "..");
const appDir = path.resolve(opt("app-dir", root));
if (!(minutes > 0 && rate > 0 && writers > 0 && batch > 0)) throw new Error("--minutes, --rate, --writers and --batch must be positive");

const TOKEN = "bench-soak-admin-token-0123456789";
const PASSWORD = "bench-soak-password-0123";
const base = `http://127.0.0.1:${port}`;
const DB_NAME = "driftwatch_bench_soak";
const RSS_EVERY_MS = 10_000;
/** the binary, multiclass and regression models of bench/read */
const SOAK_MODELS = MODELS.filter((m) => ["fraud-detector", "ticket-router", "delivery-eta"].includes(m.id));

const pgServer = new URL(process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres");
const urlOf = (db: string) => {
  const u = new URL(pgServer.toString());
  u.pathname = `/${db}`;
  return u.toString();
};
const dbUrl = urlOf(DB_NAME);

const log = (s: string) => console.log(s);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

async function sql<T extends pg.QueryResultRow>(text: string, url = urlOf("postgres")): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(text)).rows;
  } finally {
    await c.end();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Other benchmarks, the server and its processes

/** Benchmarks of other sessions running now (their command lines), ours and our parents' left out. */
function otherBenches(): string[] {
  let lines: string[];
  try {
    lines = execFileSync("pgrep", ["-fa", "bench/[a-z-]+/run"], { encoding: "utf8" }).split("\n");
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
  const mine = new Set<number>([process.pid]);
  for (let p = process.ppid, i = 0; i < 6 && p > 1; i++) {
    mine.add(p);
    try {
      p = Number(fs.readFileSync(`/proc/${p}/stat`, "utf8").split(") ")[1].split(" ")[1]);
    } catch {
      break;
    }
  }
  // Node processes only (a bench waiting for the lock is a flock process with no node under it yet), one per run
  // (its tsx wrapper and the node it starts carry the same arguments).
  const runs = lines
    .filter((l) => l.trim() && !mine.has(Number(l.split(" ")[0])) && /^\d+ (\S*\/)?node /.test(l))
    .map((l) => l.slice(l.indexOf("bench/")));
  return [...new Set(runs)];
}

/** Two benchmarks on a 2-core machine spoil each other: wait (up to 5 minutes) while another one runs. */
async function waitForOtherBenches() {
  for (let waited = 0; waited < 30; waited++) {
    const others = otherBenches();
    if (others.length === 0) return;
    if (waited % 6 === 0) log(`  (waiting: another benchmark runs — ${others[0].slice(0, 120)})`);
    await sleep(10_000);
  }
  log("  (another benchmark still runs after 5 minutes; going ahead — see the minute table's last column)");
}

function startServer(): ChildProcess {
  // BENCH_NODE_ARGS passes flags to the server's node (e.g. "--heapsnapshot-signal=SIGUSR2"), as in bench/ingest.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean);
  return spawn(process.execPath, serverNodeArgs(nodeArgs), {
    cwd: appDir,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_URL: dbUrl,
      DRIFTWATCH_ADMIN_TOKEN: TOKEN,
      DRIFTWATCH_ADMIN_PASSWORD: PASSWORD,
      DRIFTWATCH_WORKERS: String(serverWorkers),
      NEXT_TELEMETRY_DISABLED: "1",
    },
    stdio: ["ignore", "ignore", "inherit"],
    detached: true, // its own process group: RSS is summed over it, and it is stopped as one
  });
}

async function waitHealthy(server: ChildProcess) {
  // a stale build is rebuilt first (minutes on the shared machine)
  for (let i = 0; i < 3600; i++) {
    if (server.exitCode !== null) throw new Error(`server exited with ${server.exitCode}`);
    if ((await request(`${base}/api/health`, { timeoutMs: 5000 })).status === 200) return;
    await sleep(250);
  }
  throw new Error("server did not become healthy");
}

async function stopServer(server: ChildProcess) {
  if (server.exitCode !== null || !server.pid) return;
  const exited = new Promise<void>((r) => server.once("exit", () => r()));
  // The server process alone, as a service manager stops it (e2e/shutdown.spec.ts covers a signal to the whole group).
  process.kill(server.pid, "SIGTERM");
  await Promise.race([exited, sleep(30_000)]);
  try {
    process.kill(-server.pid, "SIGKILL"); // whatever is left of the group
  } catch {
    /* gone */
  }
}

/** Resident memory (bytes) and CPU seconds of every process in the group `pgid`, from /proc (Linux). */
function groupUsage(pgid: number): { rss: number; cpu: number; processes: number; names: string[] } {
  const out = { rss: 0, cpu: 0, processes: 0, names: [] as string[] };
  for (const pid of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // fields[0] is field 3 (state)
      if (Number(fields[2]) !== pgid) continue; // field 5: process group
      const rssKb = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
      out.rss += rssKb ? Number(rssKb[1]) * 1024 : 0;
      out.cpu += (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, clock ticks of 1/100 s
      out.processes++;
      out.names.push(stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")));
    } catch {
      /* exited meanwhile */
    }
  }
  return out;
}

/** Cores' worth of CPU the machine spends over one second (others' work, when the bench is idle). */
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
  await sleep(1000);
  const b = total();
  return ((b.busy - a.busy) / (b.busy - a.busy + b.idle - a.idle)) * os.cpus().length;
}

// ---------------------------------------------------------------------------------------------------------------
// Setup through the API

const adminHeaders = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };

async function call(method: string, pathname: string, body: unknown): Promise<unknown> {
  const r = await request(base + pathname, { method, headers: adminHeaders, body: Buffer.from(JSON.stringify(body)), timeoutMs: 300_000 });
  if (r.status < 200 || r.status > 299) throw new Error(`${method} ${pathname}: ${r.status} ${r.body.slice(0, 300)}`);
  return JSON.parse(r.body);
}

/** The three models with their 20 features, a reference of `referenceRows` rows each (no drift), and SLOs. */
async function defineModels() {
  const r = new Rng(4242);
  for (const m of SOAK_MODELS) {
    await call("PUT", `/api/v1/models/${m.id}`, {
      task: m.task,
      ...(m.classes.length ? { classes: m.classes } : {}),
      ...(m.positiveClass ? { positiveClass: m.positiveClass } : {}),
      features: FEATURES,
    });
    const rows = Array.from({ length: referenceRows }, () => {
      const features = makeFeatures(r, false);
      return { features, prediction: makeOutcome(r, m, features, false).prediction };
    });
    await call("PUT", `/api/v1/models/${m.id}/reference`, { rows });
    // SLOs as a monitored model has them (bench/pages' set), so their burn-rate alerts are evaluated throughout;
    // the model's default alert rules came with its definition
    await call("PUT", `/api/v1/models/${m.id}/slos`, {
      slos: [
        { name: "availability", kind: "availability", target: 0.999, windowDays: 30 },
        { name: "latency-250ms", kind: "latency", target: 0.99, windowDays: 30, thresholdMs: 250 },
        ...(m.task === "regression" ? [] : [{ name: "accuracy", kind: "accuracy", target: 0.95, windowDays: 30 }]),
      ],
    });
  }
}

async function apiKey(name: string, scope: "ingest" | "read"): Promise<string> {
  return ((await call("POST", "/api/v1/api-keys", { name, scopes: [scope] })) as { token: string }).token;
}

/** A dashboard session of the first admin (the server created it at start), as the browser's cookie. */
async function signIn(): Promise<string> {
  process.env.DATABASE_URL = dbUrl;
  const { getDb, closeDb } = await import("../../lib/db/client");
  const { createSession, SESSION_COOKIE } = await import("../../lib/auth/sessions");
  const admin = await getDb().user.findFirst({ where: { role: "admin", disabledAt: null }, orderBy: { createdAt: "asc" } });
  if (!admin) throw new Error("no admin user on the soak database");
  const cookie = `${SESSION_COOKIE}=${(await createSession(admin.id)).token}`;
  await closeDb();
  return cookie;
}

// ---------------------------------------------------------------------------------------------------------------
// The load

type RssSample = { at: number; rss: number; cpu: number; processes: number; names: string[]; load: number };

function startWriter(cfg: WriterConfig, onSamples: (s: Sample[]) => void): { child: ChildProcess; ready: Promise<void>; done: Promise<WriterTally> } {
  const child = fork(path.join(__dirname, "writer.ts"), [], {
    cwd: root,
    execArgv: ["--import", "tsx"],
    env: { ...process.env, SOAK_WRITER: JSON.stringify(cfg) },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  let readyFn: () => void = () => {};
  const ready = new Promise<void>((r) => (readyFn = r));
  const done = new Promise<WriterTally>((resolve, reject) => {
    child.on("message", (m: WriterMessage) => {
      if (m.type === "ready") readyFn();
      else if (m.type === "samples") onSamples(m.samples);
      else if (m.type === "done") resolve(m.tally);
      else if (m.type === "failed") reject(new Error(`writer ${cfg.writer} failed: ${m.error}`));
    });
    child.on("exit", (code) => reject(new Error(`writer ${cfg.writer} exited with ${code} before reporting`)));
  });
  done.catch(() => {}); // awaited at the end; a writer that fails early must not crash this process before cleanup
  return { child, ready, done };
}

/** The reader: every `readEvery` s the overview, a model page, its drift page and the read API; /metrics every `scrapeEvery` s. */
type Memory = { at: number; heapUsed: number; heapTotal: number; external: number };

async function readLoop(until: number, cookie: string, readToken: string, record: (s: Sample) => void, memory: Memory[]) {
  const page = async (kind: string, url: string) => {
    const r = await request(base + url, { headers: { cookie }, timeoutMs: 60_000 });
    // An error in a streamed Suspense section arrives after the 200 header: its digest marks it in the HTML.
    const failed = r.status === 200 && r.body.includes("data-dgst=") ? "error digest in the streamed page" : undefined;
    record({ kind, at: r.at, ms: r.ms, status: r.status, ...(failed ? { failed } : {}), ...(r.status !== 200 ? { detail: r.detail ?? r.body.slice(0, 200) } : {}) });
  };
  const api = async (kind: string, url: string) => {
    const r = await request(base + url, { headers: { authorization: `Bearer ${readToken}` }, timeoutMs: 60_000 });
    record({ kind, at: r.at, ms: r.ms, status: r.status, ...(r.status !== 200 ? { detail: r.detail ?? r.body.slice(0, 200) } : {}) });
    return r;
  };
  const gauge = (text: string, name: string) => {
    const m = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, "m").exec(text);
    return m ? Number(m[1]) : NaN;
  };
  const reads = (async () => {
    for (let cycle = 0; Date.now() < until; cycle++) {
      const t = Date.now();
      const m = SOAK_MODELS[cycle % SOAK_MODELS.length].id;
      const from = encodeURIComponent(new Date(t - 3_600_000).toISOString());
      await page("page: overview", "/");
      await page("page: model", `/models/${m}`);
      await page("page: drift", `/models/${m}/drift`);
      await api("api: overview", "/api/v1/models");
      await api("api: metrics 1 h @ 1 min", `/api/v1/models/${m}/metrics?from=${from}&step=1m`);
      await sleep(t + readEvery * 1000 - Date.now());
    }
  })();
  const scrapes = (async () => {
    while (Date.now() < until) {
      const t = Date.now();
      const r = await api("/metrics scrape", "/metrics");
      // the answering process's own view of its memory: what of the RSS is V8's heap (live objects after the last GC or not)
      if (r.status === 200) memory.push({ at: r.at, heapUsed: gauge(r.body, "nodejs_heap_size_used_bytes"), heapTotal: gauge(r.body, "nodejs_heap_size_total_bytes"), external: gauge(r.body, "nodejs_external_memory_bytes") });
      await sleep(Math.min(t + scrapeEvery * 1000, until) - Date.now());
    }
  })();
  await Promise.all([reads, scrapes]);
}

// ---------------------------------------------------------------------------------------------------------------
// Figures

const quantile = (sorted: number[], p: number) => {
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  return sorted[lo] + (h - lo) * ((sorted[Math.min(lo + 1, sorted.length - 1)] ?? sorted[lo]) - sorted[lo]);
};
const isError = (s: Sample) => s.status !== 200 || s.failed !== undefined;
const statusName = (s: Sample) =>
  s.status === -1 ? "timeout" : s.status === -2 ? `connection error (${s.detail})` : s.failed ? `${s.status} (${s.failed})` : String(s.status);
/** A request sent on a keep-alive socket the server had just closed as idle: the client's race, not the server's answer. */
const isStaleSocket = (s: Sample) => s.status === -2 && (s.detail ?? "").endsWith(STALE_SOCKET);
const mb = (b: number) => `${(b / 1048576).toFixed(0)} MB`;

function table(headers: string[], rows: string[][]): string {
  const w = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => "| " + r.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join(" | ") + " |";
  return [line(headers), "|" + w.map((x, i) => (i === 0 ? "-".repeat(x + 2) : "-".repeat(x + 1) + ":")).join("|") + "|", ...rows.map(line)].join("\n");
}

/** Sum of a counter family's samples per model_name in Prometheus text. */
function counterByModel(text: string, family: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${family}{`)) continue;
    const model = /model_name="([^"]*)"/.exec(line)?.[1];
    if (model === undefined) continue;
    out.set(model, (out.get(model) ?? 0) + Number(line.slice(line.lastIndexOf(" ") + 1)));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------

async function main() {
  log(
    `bench/soak: ${minutes} min, ${writers} writer processes × ${fmt(rate)} events/s in batches of ${batch}, reads every ${readEvery} s, ` +
      `/metrics every ${scrapeEvery} s; server from ${appDir} (${serverWorkers} process${serverWorkers > 1 ? "es" : ""}) on ${pgServer.host}/${DB_NAME}`,
  );
  if (!args.includes("--no-wait")) await waitForOtherBenches();
  await sql(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
  await sql(`CREATE DATABASE ${DB_NAME}`);
  const server = startServer();
  const children: ChildProcess[] = [];
  try {
    await waitHealthy(server);
    await defineModels();
    const writerTokens = await Promise.all(Array.from({ length: writers }, (_, w) => apiKey(`soak-writer-${w}`, "ingest")));
    const readToken = await apiKey("soak-reader", "read");
    const cookie = await signIn();
    log(`  ${SOAK_MODELS.length} models with ${FEATURES.length} features, a ${fmt(referenceRows)}-row reference, their default alert rules and 2–3 SLOs each; ${writers} ingest keys, a read key, a session`);

    const samples: Sample[] = [];
    const record = (s: Sample) => samples.push(s);
    const ws = Array.from({ length: writers }, (_, w) =>
      startWriter(
        { writer: w, writers, base, token: writerTokens[w], rate, batch, maxInFlight: 4, models: SOAK_MODELS, seed: 15 },
        (s) => samples.push(...s),
      ),
    );
    children.push(...ws.map((w) => w.child));
    await Promise.all(ws.map((w) => w.ready));
    const idle = await busyCores();
    const loadBefore = os.loadavg();
    const others: { at: number; n: number }[] = [];

    const startAt = Date.now() + 1000;
    const endAt = startAt + minutes * 60_000;
    const start: StartMessage = { type: "start", startAt, endAt, deployAt: startAt + (minutes * 60_000) / 2 };
    const rss: RssSample[] = [];
    const sampleRss = () => {
      const u = groupUsage(server.pid!);
      rss.push({ at: Date.now(), ...u, load: os.loadavg()[0] });
    };
    sampleRss();
    const rssTimer = setInterval(sampleRss, RSS_EVERY_MS);
    const othersTimer = setInterval(() => others.push({ at: Date.now(), n: otherBenches().length }), 60_000);
    log(`  started ${new Date(startAt).toISOString()}; ${idle.toFixed(2)} of ${os.cpus().length} cores busy with other work just before; load ${loadBefore.map((x) => x.toFixed(2)).join(" ")}`);
    for (const w of ws) w.child.send(start);
    const progress = setInterval(() => {
      const t = Date.now();
      const recent = samples.filter((s) => s.at >= t - 60_000 && s.kind === "predictions");
      const events = recent.reduce((a, s) => a + (s.events ?? 0), 0);
      const last = rss[rss.length - 1];
      log(`  ${((t - startAt) / 60_000).toFixed(1)} min: ${fmt(events / 60)} events/s over the last minute, RSS ${mb(last.rss)}, errors so far ${samples.filter(isError).length}, load ${os.loadavg()[0].toFixed(2)}`);
    }, 60_000);
    await sleep(startAt - Date.now());
    const memory: Memory[] = [];
    await readLoop(endAt, cookie, readToken, record, memory);
    const tallies = await Promise.all(ws.map((w) => w.done));
    const drainedAt = Date.now();
    clearInterval(progress);
    clearInterval(rssTimer);
    clearInterval(othersTimer);
    sampleRss();

    // ---- what was stored
    const final = await request(`${base}/metrics`, { headers: { authorization: `Bearer ${readToken}` } });
    const overview = await request(`${base}/api/v1/models`, { headers: { authorization: `Bearer ${readToken}` } });
    const apiEvents = new Map((JSON.parse(overview.body) as { models: { id: string; events: number }[] }).models.map((m) => [m.id, m.events]));
    const metricEvents = counterByModel(final.body, "ml_prediction_requests_total");
    const storedEvents = new Map(
      (await sql<{ m: string; n: string }>(`SELECT model_id AS m, count(*)::text AS n FROM prediction_events GROUP BY 1`, dbUrl)).map((r) => [r.m, Number(r.n)]),
    );
    const storedLabels = new Map((await sql<{ m: string; n: string }>(`SELECT model_id AS m, count(*)::text AS n FROM labels GROUP BY 1`, dbUrl)).map((r) => [r.m, Number(r.n)]));
    const [{ n: unjoined }] = await sql<{ n: string }>(
      `SELECT count(*)::text AS n FROM labels l WHERE NOT EXISTS (SELECT 1 FROM prediction_events p WHERE p.model_id = l.model_id AND p.id = l.prediction_id)`,
      dbUrl,
    );
    process.env.DATABASE_URL = dbUrl;
    const { rollupDifferences } = await import("../../lib/rollups/store/recount");
    const { closeDb } = await import("../../lib/db/client");
    const recountStart = performance.now();
    const recounts = await Promise.all(
      SOAK_MODELS.map(async (m) => {
        const r = await rollupDifferences(m.id);
        return { model: m.id, ...r, seconds: (performance.now() - recountStart) / 1000 };
      }),
    );
    await closeDb();

    // ---- figures
    const sum = (f: (t: WriterTally) => number) => tallies.reduce((a, t) => a + f(t), 0);
    const acked = sum((t) => t.uniqueEvents);
    const firstSend = Math.min(...tallies.map((t) => t.firstSendAt));
    const writeSeconds = (endAt - firstSend) / 1000;
    const inWindow = samples.filter((s) => s.kind === "predictions" && s.at < endAt).reduce((a, s) => a + (s.events ?? 0), 0);
    const throughput = inWindow / writeSeconds;
    const asked = rate * writers;

    log(`\n== ${new Date().toISOString().slice(0, 16)}Z, ${minutes} min, ${writers} × ${fmt(rate)} events/s asked ==\n`);
    const kinds = [...new Set(samples.map((s) => s.kind))];
    log(
      table(
        ["request", "count", "p50 ms", "p99 ms", "max ms", "errors"],
        kinds.map((k) => {
          const of = samples.filter((s) => s.kind === k);
          const ms = of.map((s) => s.ms).sort((a, b) => a - b);
          return [k, fmt(of.length), quantile(ms, 0.5).toFixed(1), quantile(ms, 0.99).toFixed(1), ms[ms.length - 1].toFixed(0), String(of.filter(isError).length)];
        }),
      ),
    );
    const errors = samples.filter(isError);
    const byStatus = new Map<string, Sample[]>();
    for (const s of errors) byStatus.set(`${s.kind} → ${statusName(s)}`, [...(byStatus.get(`${s.kind} → ${statusName(s)}`) ?? []), s]);
    log(`\nerror responses: ${errors.length === 0 ? "none" : ""}`);
    for (const [k, list] of byStatus) log(`  ${k}: ${list.length} (first at ${((list[0].at - startAt) / 1000).toFixed(0)} s${list[0].status > 0 ? `: ${(list[0].detail ?? "").replace(/\s+/g, " ").slice(0, 160)}` : ""})`);

    // per minute: RSS (mean of its samples), server CPU, events/s acknowledged, ingest p99, page p99, load, other benches
    const minuteOf = (at: number) => Math.floor((at - startAt) / 60_000);
    const minuteRows: string[][] = [];
    const rssMean = (from: number, to: number) => {
      const xs = rss.filter((r) => r.at >= startAt + from * 60_000 && r.at < startAt + to * 60_000).map((r) => r.rss);
      return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
    };
    for (let m = 0; m < Math.ceil(minutes); m++) {
      const inMin = rss.filter((r) => minuteOf(r.at) === m);
      const before = rss.filter((r) => minuteOf(r.at) < m).at(-1) ?? rss[0];
      const last = inMin.at(-1) ?? before;
      const cores = last.at > before.at ? (last.cpu - before.cpu) / ((last.at - before.at) / 1000) : NaN;
      const ing = samples.filter((s) => s.kind === "predictions" && minuteOf(s.at) === m);
      const pages = samples.filter((s) => s.kind.startsWith("page") && minuteOf(s.at) === m).map((s) => s.ms).sort((a, b) => a - b);
      minuteRows.push([
        String(m + 1),
        mb(rssMean(m, m + 1)),
        mb(Math.max(...inMin.map((r) => r.rss))),
        cores.toFixed(2),
        fmt(ing.reduce((a, s) => a + (s.events ?? 0), 0) / 60),
        quantile(ing.map((s) => s.ms).sort((a, b) => a - b), 0.99).toFixed(0),
        quantile(pages, 0.99).toFixed(0),
        mb(memory.filter((x) => minuteOf(x.at) === m).at(-1)?.heapUsed ?? NaN),
        mb(memory.filter((x) => minuteOf(x.at) === m).at(-1)?.heapTotal ?? NaN),
        mb(memory.filter((x) => minuteOf(x.at) === m).at(-1)?.external ?? NaN),
        (inMin.at(-1)?.load ?? NaN).toFixed(2),
        String(others.find((o) => minuteOf(o.at) === m)?.n ?? others.find((o) => minuteOf(o.at) === m + 1)?.n ?? "–"),
      ]);
    }
    log(`\nper minute (RSS summed over the server's process group — ${rss[rss.length - 1].names.join(", ")} — sampled every ${RSS_EVERY_MS / 1000} s):`);
    log(table(["minute", "RSS mean", "RSS max", "server cores", "events/s", "ingest p99 ms", "pages p99 ms", "V8 heap used", "heap total", "external", "load 1m", "other benches"], minuteRows));
    const warmRss = rssMean(warmup, warmup + 1);
    const endRss = rssMean(minutes - 1, minutes);
    const peakAfter = Math.max(...rss.filter((r) => r.at >= startAt + warmup * 60_000 && r.at <= endAt).map((r) => r.rss));
    const growth = endRss / warmRss - 1;

    const labelsSent = new Map(SOAK_MODELS.map((m) => [m.id, sum((t) => t.uniqueLabelsByModel[m.id])]));
    const acceptedByModel = new Map(SOAK_MODELS.map((m) => [m.id, sum((t) => t.acceptedByModel[m.id])]));
    const storedTotal = [...storedEvents.values()].reduce((a, b) => a + b, 0);
    const modelsOk = (got: Map<string, number>) => SOAK_MODELS.every((m) => (got.get(m.id) ?? 0) === (storedEvents.get(m.id) ?? 0));
    const eventsOk = storedTotal === acked && modelsOk(acceptedByModel);
    const labelsOk = SOAK_MODELS.every((m) => (storedLabels.get(m.id) ?? 0) === labelsSent.get(m.id)) && Number(unjoined) === 0;
    const retriesOk =
      sum((t) => t.duplicates) === sum((t) => t.expectedDuplicates) &&
      sum((t) => t.labelsDuplicates) === sum((t) => t.expectedLabelDuplicates) &&
      sum((t) => t.labelsUpdated) === sum((t) => t.corrections);
    const violations = tallies.flatMap((t) => t.violations);
    const recountOk = recounts.every((r) => r.differences.length === 0);
    const rateOk = throughput >= 0.95 * asked;
    const yes = (ok: boolean) => (ok ? "yes" : "NO");
    const perModel = (mp: Map<string, number>) => SOAK_MODELS.map((m) => fmt(mp.get(m.id) ?? 0)).join(" / ");

    const rows: [string, string][] = [
      ["machine before the run", `${idle.toFixed(2)} of ${os.cpus().length} cores busy with other work; load ${loadBefore.map((x) => x.toFixed(2)).join(" ")}`],
      ["load average at the end", os.loadavg().map((x) => x.toFixed(2)).join(" ")],
      [
        "throughput (events acknowledged as new)",
        `${fmt(throughput)} events/s of ${fmt(asked)} asked (${((throughput / asked) * 100).toFixed(1)} %) over ${writeSeconds.toFixed(0)} s; writers' largest lag behind schedule ${Math.round(Math.max(...tallies.map((t) => t.maxLagMs)))} ms, at the end ${Math.round(Math.max(...tallies.map((t) => t.finalLagMs)))} ms${sum((t) => t.skippedEvents) ? `; ${fmt(sum((t) => t.skippedEvents))} scheduled events never sent and ${sum((t) => t.lateBatches)} batches sent after the end (behind schedule)` : ""}`,
      ],
      ["events acknowledged / stored", `${fmt(acked)} / ${fmt(storedTotal)} (per model ${SOAK_MODELS.map((m) => m.id).join(" / ")}: ${perModel(storedEvents)})`],
      [
        "labels sent / stored",
        `${fmt([...labelsSent.values()].reduce((a, b) => a + b, 0))} / ${fmt([...storedLabels.values()].reduce((a, b) => a + b, 0))}; ${fmt(sum((t) => t.earlyLabels))} sent before their prediction (${fmt(sum((t) => t.labelsPending))} were acknowledged as waiting), ${fmt(sum((t) => t.drainedLabels))} due after the end sent in the drain (${((drainedAt - endAt) / 1000).toFixed(0)} s), ${unjoined} not joined to a prediction`,
      ],
      [
        "retries and corrections",
        `${sum((t) => t.resentBatches)} batches resent whole and ${sum((t) => t.overlapBatches)} repeating 50 acknowledged events: ${fmt(sum((t) => t.duplicates))} duplicates reported, ${fmt(sum((t) => t.expectedDuplicates))} expected; label batches resent: ${fmt(sum((t) => t.labelsDuplicates))} duplicates, ${fmt(sum((t) => t.expectedLabelDuplicates))} expected; corrections ${fmt(sum((t) => t.labelsUpdated))} updated, ${fmt(sum((t) => t.corrections))} sent`,
      ],
      ["overview API events / /metrics ml_prediction_requests_total", `${perModel(apiEvents)} / ${perModel(metricEvents)}`],
      ["rollups = recount", recounts.map((r) => `${r.model} ${r.differences.length === 0 ? "yes" : `NO (${r.differences.length}, e.g. ${r.differences[0]})`} (${fmt(r.rows)} metric rows)`).join("; ") + ` — ${Math.max(...recounts.map((r) => r.seconds)).toFixed(0)} s, side by side`],
      ["RSS", `${mb(rss[0].rss)} before the load; after the ${warmup}-min warm-up ${mb(warmRss)} (mean of minute ${warmup}–${warmup + 1}), last minute ${mb(endRss)}, peak after warm-up ${mb(peakAfter)}`],
      ["RSS growth after warm-up", `${(growth * 100).toFixed(1)} % (peak ${((peakAfter / warmRss - 1) * 100).toFixed(1)} %)`],
    ];
    const w = Math.max(...rows.map((r) => r[0].length));
    log("\n" + rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join("\n"));

    const checks: [string, boolean][] = [
      ["RSS growth after warm-up under 10 %", growth < 0.1],
      ["no error responses (any status but 200, an error in a streamed page, a timeout)", errors.filter((s) => s.status !== -2).length === 0],
      ["no dropped connections (besides the stale keep-alive race, shown above when it happened)", errors.filter((s) => s.status === -2 && !isStaleSocket(s)).length === 0],
      ["rollups = recount", recountOk],
      ["stored events = acknowledged events", eventsOk && modelsOk(apiEvents) && modelsOk(metricEvents)],
      ["labels stored = labels sent, all joined", labelsOk],
      ["retries and corrections acknowledged as such", retriesOk && violations.length === 0],
      ["throughput at least 95 % of the asked rate", rateOk],
    ];
    log("\nDone-when (issue #15) and the bench's own checks:");
    for (const [k, ok] of checks) log(`  ${yes(ok).padEnd(3)}  ${k}`);
    for (const v of violations) log(`  ${v}`);
    if (checks.some(([, ok]) => !ok)) process.exitCode = 2;
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill("SIGTERM");
    await stopServer(server);
    if (!keep) await sql(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`).catch(() => {});
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
