/**
 * `npm run demo` — Driftwatch with a week of realistic traffic: starts the app exactly as `npm start` does (on a
 * demo data directory of its own, `.data-demo/`, emptied at each start; or on DATABASE_URL), then plays three
 * prediction services against its HTTP API: a backfill of the past days, then live traffic and late labels
 * until Ctrl-C, which stops the simulator and the app.
 *
 *   npm run demo [-- --days 7] [--rate 1] [--port 3000] [--keep]
 *   npm run demo -- --url http://host:3000 --token <admin token>   # play against a running Driftwatch instead
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Simulator } from "./simulator";
import { SERVER_NODE_FLAGS } from "../nodeFlags";

const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const days = Math.min(30, Math.max(1, Number(arg("days") ?? 7)));
const rate = Math.min(20, Math.max(0.05, Number(arg("rate") ?? 1)));
const port = Number(arg("port") ?? process.env.PORT ?? 3000);
const root = path.resolve(__dirname, "..", "..");
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;

let app: ChildProcess | null = null;
let stopping = false;

async function waitHealthy(url: string, timeoutMs: number) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (app && app.exitCode !== null) throw new Error(`the app exited with code ${app.exitCode}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((ok) => setTimeout(ok, 500));
  }
  throw new Error(`${url}/api/health did not answer within ${timeoutMs / 1000} s`);
}

async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  if (app && app.exitCode === null && app.pid) {
    console.log("\ndemo: stopping the app…");
    process.kill(-app.pid, "SIGTERM");
    const exited = new Promise<void>((ok) => app!.once("exit", () => ok()));
    const timeout = new Promise<"timeout">((ok) => setTimeout(() => ok("timeout"), 15_000));
    if ((await Promise.race([exited, timeout])) === "timeout") process.kill(-app.pid, "SIGKILL");
  }
  process.exit(code);
}

async function main() {
  let url = arg("url");
  let token = arg("token") ?? process.env.DRIFTWATCH_ADMIN_TOKEN;
  // the dashboard's sign-in: the first admin the app creates on its fresh demo database
  const email = process.env.DRIFTWATCH_ADMIN_EMAIL ?? "demo@localhost";
  const password = process.env.DRIFTWATCH_ADMIN_PASSWORD ?? `demo-${randomBytes(9).toString("base64url")}`;
  if (!url) {
    token ??= `demo-${randomBytes(16).toString("hex")}`;
    const dataDir = path.resolve(root, process.env.DRIFTWATCH_DATA_DIR ?? ".data-demo");
    if (process.env.DATABASE_URL) console.log("demo: on DATABASE_URL — the demo models are added to that database");
    else if (!args.includes("--keep")) fs.rmSync(dataDir, { recursive: true, force: true });
    url = `http://localhost:${port}`;
    console.log(`demo: starting Driftwatch on ${url} (it builds first when the sources changed)…`);
    app = spawn("npx", ["tsx", ...SERVER_NODE_FLAGS, "scripts/start.ts"], {
      cwd: root,
      stdio: ["ignore", "inherit", "inherit"],
      detached: true, // its own process group: Ctrl-C here stops the app and its workers together
      env: {
        ...process.env,
        PORT: String(port),
        DRIFTWATCH_DATA_DIR: dataDir,
        DRIFTWATCH_ADMIN_TOKEN: token,
        DRIFTWATCH_ADMIN_EMAIL: email,
        DRIFTWATCH_ADMIN_PASSWORD: password,
      },
    });
    app.on("exit", (code) => {
      if (!stopping) {
        console.error(`demo: the app exited (${code}); stopping`);
        process.exit(1);
      }
    });
  }
  if (!token) throw new Error("--url needs --token (an admin token of that instance)");
  await waitHealthy(url, 10 * 60_000);
  console.log(`demo: app up after ${elapsed()}`);

  const sim = new Simulator({ url, adminToken: token, days, rate, log: (l) => console.log(l) });
  await sim.setup();
  console.log(
    `\n  Dashboard: ${url}` +
      (app ? `\n  Sign in:   ${email} / ${password}${process.env.DATABASE_URL ? " (if this database had no user yet)" : ""}` : "") +
      `\n  API token: ${token}\n  (curl -H "Authorization: Bearer ${token}" ${url}/api/v1/models)\n`,
  );
  console.log(`demo: sending ${days} days of history, newest first…`);
  const t0 = Date.now();
  await sim.backfill();
  const s = (Date.now() - t0) / 1000;
  console.log(
    `demo: history sent in ${s.toFixed(1)} s (${sim.stats.events.toLocaleString("en-US")} predictions, ${Math.round(sim.stats.events / s).toLocaleString("en-US")}/s; ` +
      `${sim.stats.labels.toLocaleString("en-US")} labels); ${elapsed()} since start. Live traffic now — Ctrl-C stops.`,
  );
  if (args.includes("--backfill-only")) return stop(0);
  for (;;) {
    await new Promise((ok) => setTimeout(ok, 2000));
    if (stopping) return;
    await sim.tick().catch((err: unknown) => console.error(`demo: ${err instanceof Error ? err.message : String(err)}`));
  }
}

process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));
main().catch((err: unknown) => {
  console.error(`demo: ${err instanceof Error ? err.message : String(err)}`);
  void stop(1);
});
