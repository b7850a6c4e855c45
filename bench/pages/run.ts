/**
 * bench/pages — each dashboard page's warm server response at bench/read's scale, and the JavaScript it ships.
 *
 *   npx tsx bench/pages/run.ts [--db driftwatch_bench_read] [--port 3310] [--runs 5] [--app-dir <checkout>]
 *
 * It serves the built app (`scripts/start.ts`, from --app-dir or this checkout) on a database that bench/read
 * filled and kept (`npx tsx bench/read/run.ts --sizes 10000000 --keep`: 10M events, 5 models × 20 features, 30
 * days), on DATABASE_URL's server. Per page: one cold request, then the median of `--runs` warm ones, timed to the
 * last byte of the streamed HTML (every Suspense boundary resolved), next to the API requests that return the
 * same numbers in the same run (the sum of their warm medians; the ratio says what the page adds to the queries).
 * Pages: the overview, the model page (7 d, 30 d, 24 h), the drift page (48 × 1 h, 48 × 1 d), the SLO page, /alerts
 * (both tabs). The first model is given three 30-day SLOs when it has none (see main), so the SLO reads do real work.
 * Then the page's JavaScript:
 * every /_next/static script the HTML references, raw and gzip-compressed, as the browser downloads it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { serverNodeArgs } from "../../scripts/nodeFlags";

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const dbName = arg("db", "driftwatch_bench_read");
const port = Number(arg("port", "3310"));
const runs = Number(arg("runs", "5"));
const appDir = path.resolve(arg("app-dir", path.resolve(__dirname, "..", "..")));
const server = new URL(process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres");
server.pathname = `/${dbName}`;
const base = `http://127.0.0.1:${port}`;
const TOKEN = "bench-pages-admin-token-0123456789";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// Pages are behind the sign-in: the bench signs in as a session of the server's first admin (see signIn).
let sessionCookie = "";

function startServer(): ChildProcess {
  return spawn(process.execPath, serverNodeArgs(), {
    cwd: appDir,
    env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", DATABASE_URL: server.toString(), DRIFTWATCH_ADMIN_TOKEN: TOKEN, DRIFTWATCH_ADMIN_PASSWORD: "bench-pages-password-0123", NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "ignore", "inherit"],
    detached: true,
  });
}

async function waitHealthy(s: ChildProcess) {
  for (let i = 0; i < 2400; i++) {
    if (s.exitCode !== null) throw new Error(`server exited with ${s.exitCode}`);
    try {
      if ((await fetch(`${base}/api/health`)).ok) return;
    } catch {
      /* not up yet */
    }
    await sleep(250);
  }
  throw new Error("server did not become healthy");
}

/** Milliseconds to the last byte, and the body. */
async function timed(url: string, auth = false): Promise<{ ms: number; body: string; status: number }> {
  const t0 = performance.now();
  const headers: Record<string, string> = auth ? { Authorization: `Bearer ${TOKEN}` } : sessionCookie ? { cookie: sessionCookie } : {};
  // No redirects followed: a page that sends the bench to /signin must fail the run, not time the sign-in page.
  const res = await fetch(`${base}${url}`, { headers, redirect: "manual" });
  const body = await res.text();
  return { ms: performance.now() - t0, body, status: res.status };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function measure(url: string, auth = false) {
  const cold = await timed(url, auth);
  if (cold.status !== 200) throw new Error(`${url}: HTTP ${cold.status}`);
  const warm: number[] = [];
  let body = cold.body;
  for (let i = 0; i < runs; i++) {
    const r = await timed(url, auth);
    warm.push(r.ms);
    body = r.body;
  }
  return { cold: cold.ms, warm: median(warm), min: Math.min(...warm), max: Math.max(...warm), body };
}

const jsCache = new Map<string, { raw: number; gz: number }>();
async function shippedJs(html: string) {
  const srcs = [...new Set([...html.matchAll(/<script[^>]+src="(\/_next\/static\/[^"]+\.js)"/g)].map((m) => m[1]))];
  let raw = 0;
  let gz = 0;
  for (const src of srcs) {
    if (!jsCache.has(src)) {
      const buf = Buffer.from(await (await fetch(`${base}${src}`)).arrayBuffer());
      jsCache.set(src, { raw: buf.length, gz: gzipSync(buf).length });
    }
    raw += jsCache.get(src)!.raw;
    gz += jsCache.get(src)!.gz;
  }
  return { files: srcs.length, raw, gz };
}

const kb = (n: number) => `${(n / 1024).toFixed(0)} kB`;
const ms = (n: number) => n.toFixed(1);

/**
 * A dashboard session for the bench: a session row for the first admin (created by the server at start), made
 * through lib/auth on the bench database, sent as the browser's cookie.
 */
async function signIn() {
  process.env.DATABASE_URL = server.toString();
  const { getDb, closeDb } = await import("../../lib/db/client");
  const { createSession, SESSION_COOKIE } = await import("../../lib/auth/sessions");
  const admin = await getDb().user.findFirst({ where: { role: "admin", disabledAt: null }, orderBy: { createdAt: "asc" } });
  if (!admin) throw new Error("no admin user on the bench database");
  sessionCookie = `${SESSION_COOKIE}=${(await createSession(admin.id)).token}`;
  await closeDb();
}

async function main() {
  console.log(`bench/pages: ${server.host}/${dbName}, app from ${appDir}, ${runs} warm runs per page`);
  const s = startServer();
  try {
    await waitHealthy(s);
    await signIn();
    const models = ((await (await fetch(`${base}/api/v1/models`, { headers: { Authorization: `Bearer ${TOKEN}` } })).json()) as { models: { id: string; last24h: { requests: number }; events: number }[] }).models;
    if (!models.length) throw new Error(`no models in ${dbName}: run bench/read with --keep first`);
    const events = models.reduce((a, m) => a + m.events, 0);
    const m = encodeURIComponent(models[0].id);
    const now = Date.now();
    const iso = (ms: number) => encodeURIComponent(new Date(ms).toISOString());
    // The model page reads the metrics series, the whole range (headline numbers, confusion matrix) and the quality
    // table with its missing-share series: the sum of those three requests is what it would cost through the API.
    // The model page also shows the model's SLOs: the bench gives the first model the heaviest usual set (bench/slo's:
    // availability, latency and accuracy over 30 days) unless it has SLOs, so that section and /slos do real work.
    const slos = (await (await fetch(`${base}/api/v1/models/${m}/slos`, { headers: { Authorization: `Bearer ${TOKEN}` } })).json()) as { slos: unknown[] };
    if (slos.slos.length === 0) {
      const put = await fetch(`${base}/api/v1/models/${m}/slos`, {
        method: "PUT",
        headers: { Authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({
          slos: [
            { name: "availability", kind: "availability", target: 0.999, windowDays: 30 },
            { name: "latency-250ms", kind: "latency", target: 0.99, windowDays: 30, thresholdMs: 250 },
            { name: "accuracy", kind: "accuracy", target: 0.95, windowDays: 30 },
          ],
        }),
      });
      if (!put.ok) throw new Error(`PUT slos: HTTP ${put.status} ${await put.text()}`);
      console.log(`gave ${models[0].id} three 30-day SLOs (availability, latency, accuracy)`);
    }
    const modelApis = (from: number, step: string, sparkStep: string) => [
      `/api/v1/models/${m}/metrics?from=${iso(from)}&step=${step}`,
      `/api/v1/models/${m}/metrics?window=single&from=${iso(from)}`,
      `/api/v1/models/${m}/quality?from=${iso(from)}&step=${sparkStep}`,
      `/api/v1/models/${m}/slos`,
    ];
    const pages: { page: string; url: string; api: string[] }[] = [
      { page: "overview /", url: "/", api: ["/api/v1/models"] },
      { page: "model (7 days)", url: `/models/${m}`, api: modelApis(now - 7 * 86_400_000, "1h", "1d") },
      { page: "model (30 days)", url: `/models/${m}?range=30d`, api: modelApis(now - 30 * 86_400_000, "6h", "1d") },
      { page: "model (24 h)", url: `/models/${m}?range=24h`, api: modelApis(now - 86_400_000, "15m", "1h") },
      { page: "drift (48 × 1 h)", url: `/models/${m}/drift`, api: [`/api/v1/models/${m}/drift?from=${iso(now - 48 * 3_600_000)}&step=1h`] },
      { page: "drift (48 × 1 d)", url: `/models/${m}/drift?step=1d`, api: [`/api/v1/models/${m}/drift?from=${iso(now - 48 * 86_400_000)}&step=1d`] },
      { page: "SLOs", url: `/models/${m}/slos`, api: [`/api/v1/models/${m}/slos`] },
      { page: "alerts (silences)", url: "/alerts", api: ["/api/v1/silences"] },
      { page: "alerts (channels)", url: "/alerts?tab=channels", api: ["/api/v1/channels"] },
    ];
    console.log(`${models.length} models, ${events.toLocaleString("en-US")} events stored\n`);
    const health = await measure("/api/health");
    const rows: string[] = [];
    for (const p of pages) {
      const page = await measure(p.url);
      // several API requests: the sum of their warm medians
      let apiWarm = 0;
      for (const url of p.api) apiWarm += (await measure(url, true)).warm;
      const js = await shippedJs(page.body);
      rows.push(
        `| ${p.page.padEnd(17)} | ${ms(page.cold).padStart(7)} | ${ms(page.warm).padStart(9)} | ${`${ms(page.min)}–${ms(page.max)}`.padStart(13)} | ${ms(apiWarm).padStart(8)} | ${(page.warm / apiWarm).toFixed(2).padStart(5)}× | ${page.warm < 300 ? "yes" : " no"} | ${String(js.files).padStart(5)} | ${kb(js.raw).padStart(7)} | ${kb(js.gz).padStart(7)} |`,
      );
      console.log(`  ${p.page}: ${ms(page.warm)} ms warm`);
    }
    console.log(`\n/api/health warm median ${ms(health.warm)} ms (the server's floor in this run)\n`);
    console.log("| page              | cold ms | warm ms   |   warm range  | API ms   | ratio | <300 | files |  JS raw |  JS gz  |");
    console.log("|-------------------|--------:|----------:|--------------:|---------:|------:|:---:|------:|--------:|--------:|");
    for (const r of rows) console.log(r);
  } finally {
    if (s.pid && s.exitCode === null) {
      process.kill(-s.pid, "SIGTERM");
      await Promise.race([new Promise((r) => s.once("exit", r)), sleep(10_000)]);
      if (s.exitCode === null) process.kill(-s.pid, "SIGKILL");
    }
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
