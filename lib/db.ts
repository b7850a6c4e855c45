import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client";
import { config } from "./config";
import { lockDataDir } from "./dataDir";

export { DataDirLockedError } from "./dataDir";

export { Prisma } from "./generated/prisma/client";
export type Db = PrismaClient;

/**
 * Process-wide state. It lives on globalThis because Next.js loads route handlers, instrumentation and a custom
 * server as separate module graphs in one process: they must share the single embedded database instance.
 * Prisma clients are kept per generated-client class, so each graph talks through its own copy of Prisma.
 */
type DbGlobal = {
  pglite?: { dir: string; db: PGlite; ready: Promise<void>; release: () => void };
  clients?: Map<unknown, PrismaClient>;
};
const g = globalThis as typeof globalThis & { __driftwatchDb?: DbGlobal };
const state: DbGlobal = (g.__driftwatchDb ??= {});

/** The process's embedded database, opened (and locked) on first use. */
export function embeddedDatabase(): { db: PGlite; ready: Promise<void> } {
  const dir = path.join(config().dataDir, "pglite");
  if (state.pglite) {
    if (state.pglite.dir !== dir) throw new Error(`embedded database already open at ${state.pglite.dir}`);
    return state.pglite;
  }
  const release = lockDataDir(config().dataDir);
  const db = new PGlite(dir);
  state.pglite = { dir, db, ready: db.waitReady, release };
  return state.pglite;
}

/** Which database this process uses, for logs and the health endpoint. */
export function databaseKind(): "postgres" | "embedded" {
  return config().databaseUrl ? "postgres" : "embedded";
}

/** The Prisma client for this module graph: real PostgreSQL when DATABASE_URL is set, else the embedded PGlite. */
export function getDb(): PrismaClient {
  const clients = (state.clients ??= new Map());
  let client = clients.get(PrismaClient);
  if (!client) {
    const url = config().databaseUrl;
    const adapter = url
      ? new PrismaPg({ connectionString: url, max: Number(process.env.DRIFTWATCH_DB_POOL_SIZE) || 10 })
      : new PrismaPGlite(embeddedDatabase().db);
    client = new PrismaClient({ adapter });
    clients.set(PrismaClient, client);
  }
  return client;
}

/**
 * Closes every client and the embedded database (tests and scripts; the server keeps them open), and releases
 * the data directory unless `keepLock` (the server closes its start-up connection but keeps the directory).
 */
export async function closeDb({ keepLock = false } = {}): Promise<void> {
  for (const client of state.clients?.values() ?? []) await client.$disconnect();
  state.clients?.clear();
  if (state.pglite) {
    await state.pglite.db.close();
    if (!keepLock) state.pglite.release();
    state.pglite = undefined;
  }
}
