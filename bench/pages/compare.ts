/**
 * bench/pages/compare — two builds of the app on one database, each page's requests alternated between them
 * (A B, B A, …), so both meet the same load on a shared machine: on the 2-core machine shared by several sessions,
 * /api/health moved between 37 and 108 ms from one run of run.ts to the next, which hides any change smaller than
 * that; alternating requests pairs them.
 *
 *   npx tsx bench/pages/compare.ts --base <checkout> --after <checkout> [--db driftwatch_bench_read] [--runs 7] [--only <regexp>]
 *
 * Both checkouts must be built (`scripts/start.ts` builds a checkout whose sources are newer than its build). The
 * first request of each page and build is the cold one and is not counted; the table gives each build's median of
 * the next `--runs` and their ratio. Pages as run.ts's, on the first model.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { serverNodeArgs } from "../../scripts/nodeFlags";

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const builds = [
  { name: "base", dir: path.resolve(arg("base", "")), port: 3321 },
  { name: "after", dir: path.resolve(arg("after", "")), port: 3322 },
];
const runs = Number(arg("runs", "7"));
const only = args.includes("--only") ? new RegExp(arg("only", "")) : null;
const db = new URL(process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres");
db.pathname = `/${arg("db", "driftwatch_bench_read")}`;
const TOKEN = "bench-pages-admin-token-0123456789";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function start(dir: string, port: number): ChildProcess {
  return spawn(process.execPath, serverNodeArgs(), {
    cwd: dir,
    env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", DATABASE_URL: db.toString(), DRIFTWATCH_ADMIN_TOKEN: TOKEN, DRIFTWATCH_ADMIN_PASSWORD: "bench-pages-password-0123", NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "ignore", "inherit"],
    detached: true,
  });
}

async function healthy(s: ChildProcess, port: number) {
  for (let i = 0; i < 2400; i++) {
    if (s.exitCode !== null) throw new Error(`server on ${port} exited with ${s.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/api/health`)).ok) return;
    } catch {
      /* not up yet */
    }
    await sleep(250);
  }
  throw new Error(`server on ${port} did not become healthy`);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main() {
  if (!args.includes("--base") || !args.includes("--after")) throw new Error("usage: compare.ts --base <checkout> --after <checkout>");
  const servers = builds.map((b) => start(b.dir, b.port));
  try {
    await Promise.all(builds.map((b, i) => healthy(servers[i], b.port)));
    // a dashboard session of the first admin: the two builds share the database, so one cookie serves both
    process.env.DATABASE_URL = db.toString();
    const { getDb, closeDb } = await import("../../lib/db/client");
    const { createSession, SESSION_COOKIE } = await import("../../lib/auth/sessions");
    const admin = await getDb().user.findFirst({ where: { role: "admin", disabledAt: null }, orderBy: { createdAt: "asc" } });
    if (!admin) throw new Error("no admin user on the bench database");
    const cookie = `${SESSION_COOKIE}=${(await createSession(admin.id)).token}`;
    const first = await getDb().model.findFirst({ orderBy: { id: "asc" }, select: { id: true } });
    await closeDb();
    if (!first) throw new Error("no models: run bench/read with --keep first");
    const m = encodeURIComponent(first.id);
    const pages: [string, string][] = [
      ["overview /", "/"],
      ["model (7 days)", `/models/${m}`],
      ["model (30 days)", `/models/${m}?range=30d`],
      ["model (24 h)", `/models/${m}?range=24h`],
      ["drift (48 × 1 h)", `/models/${m}/drift`],
      ["drift (48 × 1 d)", `/models/${m}/drift?step=1d`],
      ["SLOs", `/models/${m}/slos`],
      ["alerts (silences)", "/alerts"],
      ["/api/health", "/api/health"],
    ];
    console.log(`base ${builds[0].dir}, after ${builds[1].dir}; ${db.pathname.slice(1)}; median of ${runs} warm requests each, alternated\n`);
    console.log("| page | base ms | after ms | after ÷ base |");
    console.log("|---|---:|---:|---:|");
    for (const [name, url] of pages.filter(([n]) => !only || only.test(n))) {
      const ms: number[][] = [[], []];
      for (let i = 0; i <= runs; i++) {
        for (const k of i % 2 ? [1, 0] : [0, 1]) {
          const t0 = performance.now();
          const res = await fetch(`http://127.0.0.1:${builds[k].port}${url}`, { headers: { cookie }, redirect: "manual" });
          await res.text();
          if (res.status !== 200) throw new Error(`${builds[k].name} ${url}: HTTP ${res.status}`);
          if (i > 0) ms[k].push(performance.now() - t0);
        }
      }
      console.log(`| ${name} | ${median(ms[0]).toFixed(1)} | ${median(ms[1]).toFixed(1)} | ${(median(ms[1]) / median(ms[0])).toFixed(2)}× |`);
    }
  } finally {
    for (const s of servers) {
      if (s.pid && s.exitCode === null) {
        process.kill(-s.pid, "SIGTERM");
        await Promise.race([new Promise((r) => s.once("exit", r)), sleep(10_000)]);
        if (s.exitCode === null) process.kill(-s.pid, "SIGKILL");
      }
    }
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
