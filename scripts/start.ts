/**
 * `npm start` (and `npm run dev` with --dev): one process that owns the embedded database.
 * 1. Without DATABASE_URL, lock the data directory first, so a second start stops with a clear message before it
 *    touches anything (not even the build the first one is serving).
 * 2. Generate the Prisma client and build the app when sources changed since the last build (scripts/build.ts;
 *    `npm install` already built it).
 * 3. Apply pending migrations (and re-bin references frozen on the pre-#14 decile bins) and make sure an admin
 *    credential exists (an API key, and the first dashboard user).
 * 4. Serve Next.js from this same process, so the route handlers find the lock held by their own pid; or, with
 *    DRIFTWATCH_WORKERS=N on PostgreSQL, from N worker processes sharing the port (node:cluster), so the app's
 *    JavaScript runs on N cores. Workers only serve: building, migrations and the admin key happen here, once.
 */
import cluster from "node:cluster";
import http from "node:http";
import path from "node:path";
import { config } from "../lib/config";
import { DataDirLockedError, lockDataDir } from "../lib/db/dataDir";
import { buildIfStale, generateIfStale } from "./build";
import { hasServerNodeFlags, SERVER_NODE_FLAGS } from "./nodeFlags";

const root = path.resolve(__dirname, "..");
const dev = process.argv.includes("--dev");
const port = Number(process.env.PORT) || 3000;
const hostname = process.env.HOST || "0.0.0.0";

async function main() {
  if (cluster.isWorker) return serve();
  const cfg = config();
  // Cluster workers inherit the flags; a start without them serves correctly, only ingest is slower.
  if (!hasServerNodeFlags()) console.log(`driftwatch: started without ${SERVER_NODE_FLAGS.join(" ")} (npm start passes it): ingest will be ~20 % slower; see scripts/nodeFlags.ts`);
  if (cfg.workers > 1 && !cfg.databaseUrl) {
    console.error("driftwatch: DRIFTWATCH_WORKERS > 1 needs PostgreSQL (DATABASE_URL): the embedded database has a single owner process");
    process.exit(1);
  }
  if (!cfg.databaseUrl) {
    try {
      lockDataDir(cfg.dataDir);
    } catch (err) {
      if (err instanceof DataDirLockedError) {
        console.error(`driftwatch: ${err.message}`);
        process.exit(1);
      }
      throw err;
    }
  }

  // the Prisma client, and in production the build, when their sources changed (scripts/build.ts; npm install built it)
  if (dev) generateIfStale();
  else buildIfStale({ log: console.log });

  const { migrate } = await import("../lib/db/migrate");
  const { ensureAdminAccess, ensureFirstAdmin } = await import("../lib/auth/bootstrap");
  const { closeDb } = await import("../lib/db/client");
  const applied = await migrate();
  if (applied.length) console.log(`driftwatch: applied migrations ${applied.join(", ")}`);
  // The data migration of issue #14: references (and their models' feature rollups) still on decile bins are
  // re-binned on the quantile bins; a no-op once done (lib/models/references/rebin.ts).
  const { rebinLegacyReferences } = await import("../lib/models/references/rebin");
  await rebinLegacyReferences((msg) => console.log(`driftwatch: ${msg}`));
  const tokenFile = await ensureAdminAccess();
  if (tokenFile) console.log(`driftwatch: created an admin API key; its token is in ${tokenFile}`);
  const admin = await ensureFirstAdmin();
  if (admin?.password) {
    // Printed this once (and kept, readable only by this user, in the file): change it in Settings after signing in.
    console.log(`driftwatch: created the first admin, ${admin.email}, password ${admin.password} (also in ${admin.file})`);
  } else if (admin) console.log(`driftwatch: created the first admin, ${admin.email}, with DRIFTWATCH_ADMIN_PASSWORD`);
  // The app's own module graph opens the database again; this process keeps the directory lock.
  await closeDb({ keepLock: true });

  if (cfg.workers > 1) return supervise(cfg.workers);
  await serve();
}

/** Serves the app on PORT from this process (the only one, or one of the workers). */
async function serve() {
  // Everything the shutdown runs is loaded now, not when the signal comes: a Ctrl-C in a terminal (or a SIGTERM to
  // the process group) also stops tsx's esbuild service, and an import after that fails ("The service is no longer
  // running"), which left the server waiting for its shutdown time limit instead of exiting.
  const { closeDb, databaseKind } = await import("../lib/db/client");
  const { stopBackgroundWork } = await import("../lib/lifecycle");
  const next = (await import("next")).default;
  const app = next({ dev, dir: root, hostname, port });
  await app.prepare();
  const handle = app.getRequestHandler();
  let stopping = false;
  let inFlight = 0;
  const server = http.createServer((req, res) => {
    inFlight++;
    res.once("close", () => inFlight--);
    // While stopping, every response closes its connection, so keep-alive clients reconnect to another process.
    if (stopping) res.setHeader("connection", "close");
    void handle(req, res);
  });
  server.listen(port, hostname, () => {
    if (cluster.isWorker) return;
    const where = databaseKind() === "postgres" ? "PostgreSQL (DATABASE_URL)" : `the embedded database in ${config().dataDir}`;
    console.log(`driftwatch: serving http://localhost:${port} on ${where}`);
  });
  const who = cluster.isWorker ? `worker ${process.pid}` : "driftwatch";
  /**
   * Graceful shutdown: stop accepting connections, let the requests in flight finish, stop background work (the
   * notification retries), close the database (the embedded one checkpoints), exit 0. Past the time limit
   * (DRIFTWATCH_SHUTDOWN_TIMEOUT_SECONDS) whatever still runs is cut off: exit 1 — nothing is lost by that, a
   * request cut off was not acknowledged and its transaction rolls back.
   */
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    const started = Date.now();
    console.log(`${who}: ${signal}: no new connections; finishing ${inFlight} request(s) in flight`);
    setTimeout(() => {
      console.error(`${who}: ${inFlight} request(s) still running after ${config().shutdownTimeoutSeconds} s; exiting without them`);
      process.exit(1);
    }, config().shutdownTimeoutSeconds * 1000).unref();
    const idle = setInterval(() => server.closeIdleConnections(), 100);
    server.close(() => {
      clearInterval(idle);
      console.log(`${who}: requests finished in ${Date.now() - started} ms`);
      void (async () => {
        const { stopped, failed } = await stopBackgroundWork();
        for (const f of failed) console.error(`${who}: stopping background work failed: ${f}`);
        await closeDb().catch((err) => console.error(`${who}: closing the database failed:`, err));
        console.log(`${who}: stopped (${stopped.length ? `background work: ${stopped.join(", ")}; ` : ""}${Date.now() - started} ms)`);
        process.exit(failed.length ? 1 : 0);
      })().catch((err: unknown) => {
        // never wait for the time limit on a failure of the shutdown itself
        console.error(`${who}: shutdown failed:`, err);
        process.exit(1);
      });
    });
    server.closeIdleConnections();
  };
  // `on`, not `once`: a second signal (the whole process group gets one, and the primary relays another) must not
  // fall through to the default action, which kills the process at once. Under `npm run dev` an open browser tab
  // keeps a hot-reload connection that no request ends, so there a second Ctrl-C quits at once.
  let signals = 0;
  const onSignal = (signal: string) => {
    if (++signals > 1 && dev) {
      console.log(`${who}: ${signal} again; exiting now`);
      process.exit(1);
    }
    stop(signal);
  };
  process.on("SIGINT", () => onSignal("SIGINT"));
  process.on("SIGTERM", () => onSignal("SIGTERM"));
}

/** Runs `n` worker processes on the port, replaces one that dies, and stops them all on SIGINT/SIGTERM. */
function supervise(n: number) {
  let stopping = false;
  let listening = 0;
  cluster.on("listening", () => {
    if (++listening === n) console.log(`driftwatch: serving http://localhost:${port} on PostgreSQL (DATABASE_URL), ${n} worker processes`);
  });
  const restarts: number[] = [];
  cluster.on("exit", (worker, code, signal) => {
    if (stopping) return;
    const now = Date.now();
    restarts.push(now);
    while (restarts[0] < now - 60_000) restarts.shift();
    if (restarts.length > 3 * n) {
      console.error("driftwatch: workers keep exiting; stopping");
      process.exit(1);
    }
    console.error(`driftwatch: worker ${worker.process.pid} exited (${signal ?? code}); starting another`);
    cluster.fork();
  });
  for (let i = 0; i < n; i++) cluster.fork();
  let failed = false;
  cluster.on("exit", (_worker, code, signal) => {
    if (stopping && (code !== 0 || signal)) failed = true;
  });
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`driftwatch: ${signal}: stopping ${Object.keys(cluster.workers ?? {}).length} worker processes`);
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill("SIGTERM");
    // The workers cut themselves off at the time limit; this is the last resort if one hangs even so.
    setTimeout(() => {
      console.error("driftwatch: worker processes did not stop in time; killing them");
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill("SIGKILL");
      process.exit(1);
    }, (config().shutdownTimeoutSeconds + 5) * 1000).unref();
    const exit = () => {
      if (Object.keys(cluster.workers ?? {}).length > 0) return;
      console.log(`driftwatch: stopped${failed ? " (a worker did not stop cleanly)" : ""}`);
      process.exit(failed ? 1 : 0);
    };
    cluster.on("exit", exit);
    exit();
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

main().catch((err) => {
  console.error("driftwatch: failed to start:", err);
  process.exit(1);
});
