/**
 * bench/drift-page — the drift page's server response at a realistic size.
 *
 *   npx tsx bench/drift-page/run.ts [--events 1000000] [--db driftwatch_bench_drift_page] [--port 3310] [--keep]
 *
 * Loads N events over 30 days into a scratch database with bench/read's server-side loader (5 models × 20
 * features, 20,000-row references, a drift episode in the last 36 hours), starts the built app (`scripts/start.ts`)
 * and times full page responses over HTTP (the whole streamed body, as a browser receives it): the first request
 * (cold) and the median of the next 5 (warm), next to the drift API for the same heatmap. Run `next build` first.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import pg from "pg";
import { closeDb } from "../../lib/db/client";
import { migrate } from "../../lib/db/migrate";
import { invalidateModelContext } from "../../lib/rollups/store/contexts";
import { MODELS } from "../read/generate";
import { defineModelsAndReferences, loadEvents } from "../read/load";
import { serverNodeArgs } from "../../scripts/nodeFlags";

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const events = Number(opt("events", "1000000"));
const dbName = opt("db", "driftwatch_bench_drift_page");
const port = Number(opt("port", "3310"));
const keep = args.includes("--keep");
const root = path.resolve(__dirname, "..", "..");
const TOKEN = "bench-drift-page-token-0123456789";
const base = `http://127.0.0.1:${port}`;
const HOUR = 3_600_000;
if (!/^[a-z0-9_]+$/.test(dbName)) throw new Error("--db: lower-case letters, digits and _ only");

const server = new URL(process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres");
const url = (db: string) => {
  const u = new URL(server.toString());
  u.pathname = `/${db}`;
  return u.toString();
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const h = Math.floor(s.length / 2);
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};

async function admin(sql: string) {
  const c = new pg.Client({ connectionString: url("postgres") });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

function start(): ChildProcess {
  return spawn(process.execPath, serverNodeArgs(), {
    cwd: root,
    env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", DATABASE_URL: url(dbName), DRIFTWATCH_ADMIN_TOKEN: TOKEN, NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "ignore", "inherit"],
    detached: true,
  });
}

async function stop(p: ChildProcess) {
  if (p.exitCode !== null || !p.pid) return;
  const exited = new Promise<void>((r) => p.once("exit", () => r()));
  process.kill(-p.pid, "SIGTERM");
  await Promise.race([exited, sleep(10_000)]);
  if (p.exitCode === null) process.kill(-p.pid, "SIGKILL");
}

async function get(p: string) {
  const t = performance.now();
  const res = await fetch(base + p, { headers: { authorization: `Bearer ${TOKEN}` } });
  const body = await res.text();
  const ms = performance.now() - t;
  if (!res.ok) throw new Error(`GET ${p}: ${res.status} ${body.slice(0, 300)}`);
  return { ms, bytes: Buffer.byteLength(body), body };
}

async function main() {
  process.chdir(root);
  console.log(`bench/drift-page: ${events.toLocaleString("en-US")} events into ${dbName}`);
  await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${dbName}`);
  process.env.DATABASE_URL = url(dbName);
  await closeDb();
  invalidateModelContext();
  await migrate();
  await defineModelsAndReferences(42);
  const end = Math.floor(Date.now() / HOUR) * HOUR;
  const load = await loadEvents(url(dbName), { events, end, seed: 7 }, 2, () => {});
  await closeDb();
  console.log(`loaded ${load.events.toLocaleString("en-US")} events in ${load.seconds.toFixed(0)} s`);
  const c = new pg.Client({ connectionString: url(dbName) });
  await c.connect();
  await c.query("ANALYZE");
  await c.query("CHECKPOINT");
  await c.end();

  const m = MODELS[0].id;
  const to = new Date(end + HOUR).toISOString(); // the page's range: 48 hours up to the current hour's end
  const from48 = new Date(end + HOUR - 48 * HOUR).toISOString();
  const worst = new Date(end - 20 * HOUR).toISOString(); // inside the drift episode
  const cases = [
    ["drift page (default: verdict, 48 × 1 h)", `/models/${m}/drift`],
    ["drift API, same heatmap", `/api/v1/models/${m}/drift?from=${from48}&to=${to}&step=1h`],
    ["drift page, 168 × 1 h", `/models/${m}/drift?cols=168`],
    ["drift page, method=psi", `/models/${m}/drift?method=psi`],
    ["drift page, 48 × 1 d", `/models/${m}/drift?step=1d`],
    ["drift page + drawer (all methods, raw ks/wasserstein)", `/models/${m}/drift?cell=${encodeURIComponent(`amount@${worst}`)}`],
  ];
  const srv = start();
  try {
    for (let i = 0; i < 600; i++) {
      try {
        if ((await fetch(`${base}/api/health`)).ok) break;
      } catch {
        /* starting */
      }
      await sleep(250);
    }
    console.log("\n| request | cold ms | warm median ms (5) | min–max | body |\n|---|--:|--:|--:|--:|");
    for (const [name, p] of cases) {
      const cold = await get(p);
      const warm: number[] = [];
      for (let i = 0; i < 5; i++) warm.push((await get(p)).ms);
      console.log(`| ${name} | ${cold.ms.toFixed(0)} | ${median(warm).toFixed(0)} | ${Math.min(...warm).toFixed(0)}–${Math.max(...warm).toFixed(0)} | ${(cold.bytes / 1e3).toFixed(0)} kB |`);
    }
  } finally {
    await stop(srv);
    if (!keep) await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
