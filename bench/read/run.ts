/**
 * bench/read — the read path at scale (issue #4).
 *
 *   npx tsx bench/read/run.ts [--events 10000000] [--sizes 100000,1000000,10000000] [--port 3300] [--keep]
 *                             [--threads 2] [--app-dir <checkout>]
 *   npx tsx bench/read/run.ts --reuse [--app-dir <checkout>]     # time the kept database again, no load
 *
 * For each size (ascending) it creates a scratch PostgreSQL database `driftwatch_bench_read` (on DATABASE_URL's
 * server, default postgresql://postgres@127.0.0.1:5432), migrates it, defines 5 models with 20 features and a
 * reference each, loads N events over the last 30 days server-side (see load.ts), then starts the built app
 * (`scripts/start.ts`) on it and times the read endpoints over HTTP: cold (the endpoint's first request on a
 * freshly started server) and warm (median of the next 5). It ends with the growth table: warm medians at the
 * largest size against the smallest, with the targets (< 300 ms and ≤ 2×).
 *
 * --app-dir runs the server from another checkout (e.g. a snapshot of HEAD, so that a rebuild triggered by
 * someone else's uncommitted edits cannot get in the way); the loader always uses this checkout's lib/.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import pg from "pg";
import { closeDb } from "../../lib/db/client";
import { migrate } from "../../lib/db/migrate";
import { invalidateModelContext } from "../../lib/rollups/store/contexts";
import { DRIFTING, MODELS } from "./generate";
import { defineModelsAndReferences, DRIFT_HOURS, loadEvents, type LoadStats } from "./load";
import { serverNodeArgs } from "../../scripts/nodeFlags";

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const maxEvents = Number(opt("events", "10000000"));
const sizes = opt("sizes", [100_000, 1_000_000, maxEvents].filter((n, i, a) => n <= maxEvents && a.indexOf(n) === i).join(","))
  .split(",")
  .map(Number)
  .sort((a, b) => a - b);
const port = Number(opt("port", "3300"));
const keep = args.includes("--keep");
/** time the database a `--keep` run left, without dropping or loading it (e.g. another build on the same data) */
const reuse = args.includes("--reuse");
/** generator threads for the load (0: generate on the main thread) */
const threads = Number(opt("threads", "2"));
const root = path.resolve(__dirname, "..", "..");
const appDir = path.resolve(opt("app-dir", root));
const TOKEN = "bench-read-admin-token-0123456789";
const base = `http://127.0.0.1:${port}`;
const DB_NAME = "driftwatch_bench_read";
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WARM_RUNS = 5;

const pgServer = new URL(process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres");
const dbUrl = (() => {
  const u = new URL(pgServer.toString());
  u.pathname = `/${DB_NAME}`;
  return u.toString();
})();
const adminUrl = (() => {
  const u = new URL(pgServer.toString());
  u.pathname = "/postgres";
  return u.toString();
})();

const log = (s: string) => console.log(s);
const fmt = (n: number) => n.toLocaleString("en-US");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function admin<T extends pg.QueryResultRow>(sql: string, url = adminUrl): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(sql)).rows;
  } finally {
    await c.end();
  }
}

/** Two benchmarks on a 2-core machine spoil each other: wait while bench/ingest (or another bench/read) runs. */
async function waitForOtherBenches(what: string) {
  for (let waited = 0; ; waited++) {
    let others: string[] = [];
    try {
      others = execFileSync("pgrep", ["-fa", "bench/(ingest|read)/run"], { encoding: "utf8" })
        .split("\n")
        .filter((l) => l.trim() && !l.startsWith(`${process.pid} `) && !l.includes("pgrep"))
        // our own parents (npx, sh) carry the same command line
        .filter((l) => !isAncestor(Number(l.split(" ")[0])));
    } catch {
      others = []; // pgrep exits 1 when nothing matches
    }
    if (others.length === 0) return;
    if (waited % 6 === 0) log(`  (waiting before ${what}: another benchmark runs — ${others[0].slice(0, 100)})`);
    await sleep(10_000);
  }
}

function isAncestor(pid: number): boolean {
  let p = process.ppid;
  for (let i = 0; i < 5 && p > 1; i++) {
    if (p === pid) return true;
    try {
      p = Number(execFileSync("ps", ["-o", "ppid=", "-p", String(p)], { encoding: "utf8" }).trim());
    } catch {
      return false;
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------------------------------
// The server

function startServer(): ChildProcess {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: "127.0.0.1",
    DATABASE_URL: dbUrl,
    DRIFTWATCH_ADMIN_TOKEN: TOKEN,
    NEXT_TELEMETRY_DISABLED: "1",
  };
  return spawn(process.execPath, serverNodeArgs(), {
    cwd: appDir,
    env,
    stdio: ["ignore", "ignore", "inherit"],
    detached: true,
  });
}

async function waitHealthy(server: ChildProcess) {
  for (let i = 0; i < 1200; i++) {
    if (server.exitCode !== null) throw new Error(`server exited with ${server.exitCode}`);
    try {
      if ((await fetch(`${base}/api/health`)).ok) return;
    } catch {
      /* not up yet */
    }
    await sleep(250);
  }
  throw new Error("server did not become healthy");
}

async function stopServer(server: ChildProcess) {
  if (server.exitCode !== null || !server.pid) return;
  const exited = new Promise<void>((r) => server.once("exit", () => r()));
  process.kill(-server.pid, "SIGTERM");
  await Promise.race([exited, sleep(10_000)]);
  if (server.exitCode === null) process.kill(-server.pid, "SIGKILL");
}

// ---------------------------------------------------------------------------------------------------------------
// The reads

type Endpoint = { name: string; path: string; target: boolean; check?: (body: unknown) => string };

/**
 * The endpoints of the issue, relative to the loaded span's end (the load's "now"). Single windows have edges half
 * an hour off the hour, as a dashboard's "last 24 hours" would: the exact single-window path then reads the raw
 * events of the two partial hours.
 */
function endpoints(end: number, events: number): Endpoint[] {
  const iso = (ms: number) => new Date(ms).toISOString();
  const m = MODELS[0].id;
  const q = (o: Record<string, string>) => new URLSearchParams(o).toString();
  const off = 30 * 60_000;
  return [
    {
      name: "overview (GET /models)",
      path: `/api/v1/models`,
      target: true,
      check: (b) => {
        const models = (b as { models: { events: number }[] }).models;
        const total = models.reduce((s, x) => s + x.events, 0);
        return total === events ? "events add up" : `EVENTS ${total} ≠ ${events}`;
      },
    },
    {
      name: "metrics 30 d @ 1 h",
      path: `/api/v1/models/${m}/metrics?${q({ from: iso(end - 30 * DAY), to: iso(end), step: "1h" })}`,
      target: true,
      check: (b) => {
        const buckets = (b as { buckets: { requests: number }[] }).buckets;
        const n = buckets.reduce((s, x) => s + x.requests, 0);
        return `${buckets.length} buckets, ${fmt(n)} requests`;
      },
    },
    {
      name: "drift 20 feat × 48 h",
      path: `/api/v1/models/${m}/drift?${q({ from: iso(end - 48 * HOUR), to: iso(end), step: "1h" })}`,
      target: true,
      check: (b) => {
        // cells flagged before the drift episode began (false alarms) and in it (shifted features found)
        const ws = (b as { windows: { start: string; features: { feature: string; drifted: boolean | string }[] }[] }).windows;
        const onset = end - DRIFT_HOURS * HOUR;
        let before = 0;
        let beforeCells = 0;
        let found = 0;
        let foundOf = 0;
        for (const w of ws) {
          const inEpisode = Date.parse(w.start) >= onset;
          for (const f of w.features) {
            if (!inEpisode) {
              beforeCells++;
              if (f.drifted === true) before++;
            } else if (DRIFTING.includes(f.feature)) {
              foundOf++;
              if (f.drifted === true) found++;
            }
          }
        }
        return `${ws.length}×${ws[0]?.features.length ?? 0}; flagged ${before}/${beforeCells} before the shift, ${found}/${foundOf} shifted cells after`;
      },
    },
    {
      name: "quality 24 h",
      path: `/api/v1/models/${m}/quality?${q({ from: iso(end - DAY - off), to: iso(end - off) })}`,
      target: false,
    },
    {
      name: "metrics single 7 d",
      path: `/api/v1/models/${m}/metrics?${q({ window: "single", from: iso(end - 7 * DAY - off), to: iso(end - off) })}`,
      target: false,
    },
  ];
}

type Timing = { name: string; target: boolean; cold: number; warm: number[]; bytes: number; check: string };

async function get(p: string): Promise<{ ms: number; bytes: number; body: string }> {
  const t = performance.now();
  const res = await fetch(base + p, { headers: { authorization: `Bearer ${TOKEN}` } });
  const body = await res.text();
  const ms = performance.now() - t;
  if (!res.ok) throw new Error(`GET ${p}: ${res.status} ${body.slice(0, 300)}`);
  return { ms, bytes: Buffer.byteLength(body), body };
}

/** Each endpoint on its own freshly started server: the first request is "cold", the next five "warm". */
async function timeEndpoints(eps: Endpoint[]): Promise<Timing[]> {
  const out: Timing[] = [];
  for (const ep of eps) {
    const server = startServer();
    try {
      await waitHealthy(server);
      const cold = await get(ep.path);
      const warm: number[] = [];
      for (let i = 0; i < WARM_RUNS; i++) warm.push((await get(ep.path)).ms);
      out.push({ name: ep.name, target: ep.target, cold: cold.ms, warm, bytes: cold.bytes, check: ep.check ? ep.check(JSON.parse(cold.body)) : "" });
    } finally {
      await stopServer(server);
    }
  }
  return out;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const h = Math.floor(s.length / 2);
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};

function table(headers: string[], rows: string[][]): string {
  const w = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => "| " + r.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join(" | ") + " |";
  return [line(headers), "|" + w.map((x, i) => (i === 0 ? "-".repeat(x + 2) : "-".repeat(x + 1) + ":")).join("|") + "|", ...rows.map(line)].join("\n");
}

const kb = (b: number) => (b >= 1e6 ? `${(b / 1e6).toFixed(1)} MB` : `${(b / 1e3).toFixed(1)} kB`);

// ---------------------------------------------------------------------------------------------------------------

type SizeResult = { events: number; load: LoadStats; dbBytes: number; tables: string; timings: Timing[] };

async function runSize(events: number): Promise<SizeResult> {
  log(`\n== ${fmt(events)} events ==`);
  await admin(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${DB_NAME}`);
  process.env.DATABASE_URL = dbUrl;
  await closeDb();
  invalidateModelContext();
  await migrate();
  const r0 = performance.now();
  await defineModelsAndReferences(42);
  const referenceSeconds = (performance.now() - r0) / 1000;
  log(`  models and references: ${referenceSeconds.toFixed(1)} s`);
  await waitForOtherBenches("the load");
  // The span ends at the last whole hour, so "the last 24 hours" of the overview is full of traffic.
  const end = Math.floor(Date.now() / HOUR) * HOUR;
  const load = await loadEvents(dbUrl, { events, end, seed: 7 }, threads, log);
  load.referenceSeconds = referenceSeconds;
  await closeDb();
  log(
    `  loaded ${fmt(load.events)} events + ${fmt(load.labels)} labels in ${load.seconds.toFixed(1)} s ` +
      `(${fmt(Math.round(load.events / load.seconds))} events/s; writer waited ${load.waitGenSeconds.toFixed(0)} s for generated hours, ` +
      `${load.waitDbSeconds.toFixed(0)} s for the database; database: COPY ${load.copySeconds.toFixed(0)} s, rollup upserts ${load.rollupSeconds.toFixed(0)} s); rollup rows ${fmt(load.rollupRows)}, feature rollup rows ${fmt(load.featureRollupRows)}`,
  );
  const sizeRows = await admin<{ db: string; t: string }>(
    `SELECT pg_database_size(current_database())::text AS db,
            string_agg(c.relname || ' ' || pg_size_pretty(pg_total_relation_size(c.oid)), ', ' ORDER BY pg_total_relation_size(c.oid) DESC) AS t
     FROM pg_class c WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace AND pg_total_relation_size(c.oid) > 1e6`,
    dbUrl,
  );
  const dbBytes = Number(sizeRows[0].db);
  log(`  database ${(dbBytes / 1e9).toFixed(2)} GB (${sizeRows[0].t})`);

  await waitForOtherBenches("the reads");
  const timings = await timeEndpoints(endpoints(end, events));
  log(`\n  ${fmt(events)} events — cold: first request on a fresh server process; warm: median of the next ${WARM_RUNS} (min–max)`);
  log(
    table(
      ["endpoint", "cold ms", "warm median ms", "warm min–max", "response", "check"],
      timings.map((t) => [
        t.name,
        t.cold.toFixed(0),
        median(t.warm).toFixed(1),
        `${Math.min(...t.warm).toFixed(0)}–${Math.max(...t.warm).toFixed(0)}`,
        kb(t.bytes),
        t.check,
      ]),
    ).replace(/^/gm, "  "),
  );
  if (!keep) await admin(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
  return { events, load, dbBytes, tables: sizeRows[0].t, timings };
}

/**
 * The reads on the kept database, as runSize times them: its span ends where the load's did (the hour after the
 * newest hour row), its event count is the overview's.
 */
async function timeKept() {
  const [{ last, events }] = await admin<{ last: Date | null; events: string }>(
    `SELECT max(bucket) AS last, coalesce(sum(n), 0)::text AS events FROM rollups WHERE level = 'h' AND version = '' AND segment = '*'`,
    dbUrl,
  );
  if (!last) throw new Error(`${DB_NAME} holds no rollups: run with --keep first`);
  const end = last.getTime() + HOUR;
  log(`bench/read --reuse: ${fmt(Number(events))} events in ${DB_NAME}, span ending ${new Date(end).toISOString()}; server from ${appDir}`);
  await waitForOtherBenches("the reads");
  const timings = await timeEndpoints(endpoints(end, Number(events)));
  log(
    table(
      ["endpoint", "cold ms", "warm median ms", "warm min–max", "response", "check"],
      timings.map((t) => [t.name, t.cold.toFixed(0), median(t.warm).toFixed(1), `${Math.min(...t.warm).toFixed(0)}–${Math.max(...t.warm).toFixed(0)}`, kb(t.bytes), t.check]),
    ),
  );
}

async function main() {
  process.chdir(root); // migrations are read from ./prisma/migrations
  if (reuse) return timeKept();
  log(`bench/read: sizes ${sizes.map(fmt).join(", ")}; server from ${appDir}; PostgreSQL ${pgServer.host}`);
  const results: SizeResult[] = [];
  for (const n of sizes) results.push(await runSize(n));

  log(`\n== Summary (${new Date().toISOString().slice(0, 10)}) ==`);
  log(
    table(
      ["events", "load s", "events/s", "database", "rollup rows", "feature rollup rows"],
      results.map((r) => [fmt(r.events), r.load.seconds.toFixed(1), fmt(Math.round(r.events / r.load.seconds)), `${(r.dbBytes / 1e9).toFixed(2)} GB`, fmt(r.load.rollupRows), fmt(r.load.featureRollupRows)]),
    ),
  );
  const names = results[0].timings.map((t) => t.name);
  log("\nWarm medians (ms) by size:");
  log(
    table(
      ["endpoint", ...results.map((r) => fmt(r.events))],
      names.map((n) => [n, ...results.map((r) => median(r.timings.find((t) => t.name === n)!.warm).toFixed(1))]),
    ),
  );
  if (results.length > 1) {
    const big = results[results.length - 1];
    const small = results[0];
    log(`\nTargets: warm median < 300 ms at ${fmt(big.events)} events and ≤ 2× its time at ${fmt(small.events)} (issue #4):`);
    let allOk = true;
    log(
      table(
        ["endpoint", `${fmt(small.events)} ms`, `${fmt(big.events)} ms`, "ratio", "< 300 ms", "≤ 2×"],
        names.map((n) => {
          const a = median(small.timings.find((t) => t.name === n)!.warm);
          const b = median(big.timings.find((t) => t.name === n)!.warm);
          const target = big.timings.find((t) => t.name === n)!.target;
          const fast = b < 300;
          const flat = b / a <= 2;
          if (target && !(fast && flat)) allOk = false;
          const mark = (ok: boolean) => (target ? (ok ? "yes" : "NO") : ok ? "(yes)" : "(no)");
          return [n, a.toFixed(1), b.toFixed(1), `${(b / a).toFixed(2)}×`, mark(fast), mark(flat)];
        }),
      ),
    );
    log("(targets apply to the first three; the others are shown in parentheses for information)");
    if (!allOk) process.exitCode = 2;
  }
}

main()
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => closeDb().catch(() => {}));

