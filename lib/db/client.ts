import path from "node:path";
import { PGlite, type Transaction as PGliteTransaction } from "@electric-sql/pglite";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/prisma/client";
import { config } from "../config";
import { copyIn, type CopyData } from "./copy";
import { lockDataDir } from "./dataDir";

export { DataDirLockedError } from "./dataDir";

import { Prisma } from "../generated/prisma/client";
export { Prisma };
export type Db = PrismaClient;

/**
 * Process-wide state. It lives on globalThis because Next.js loads route handlers, instrumentation and a custom
 * server as separate module graphs in one process: they must share the single embedded database instance.
 * Prisma clients are kept per generated-client class, so each graph talks through its own copy of Prisma.
 */
type DbGlobal = {
  pglite?: { dir: string; db: PGlite; ready: Promise<void>; release: () => void };
  clients?: Map<unknown, PrismaClient>;
  pool?: pg.Pool;
};
const g = globalThis as typeof globalThis & { __driftwatchDb?: DbGlobal };
const state: DbGlobal = (g.__driftwatchDb ??= {});

/**
 * The process's embedded database, opened (and locked) on first use. `template` gives a tarball to create a new data
 * directory from (the migrations' first open passes lib/db/template.ts's; the app's own module graph never creates one).
 */
export function embeddedDatabase(opts: { template?: (dir: string) => Blob | undefined } = {}): { db: PGlite; ready: Promise<void> } {
  const dir = path.join(config().dataDir, "pglite");
  if (state.pglite) {
    if (state.pglite.dir !== dir) throw new Error(`embedded database already open at ${state.pglite.dir}`);
    return state.pglite;
  }
  const release = lockDataDir(config().dataDir);
  const template = opts.template?.(dir);
  const db = template ? new PGlite(dir, { loadDataDir: template }) : new PGlite(dir);
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

/** Whether this thread has started a Prisma client (the ingest threads must not: see lib/ingest/threads). */
export function prismaStarted(): boolean {
  return (state.clients?.size ?? 0) > 0;
}

/**
 * A thin raw-SQL path for the ingest hot path, beside Prisma: `pg` on PostgreSQL (its own pool on DATABASE_URL,
 * DRIFTWATCH_DB_POOL_SIZE connections), the process's PGlite instance when embedded. Statements are `Prisma.sql`
 * objects (their `.text` is $n-style) or plain text; results come back as the driver parses them (jsonb parsed,
 * timestamptz as Date; int8 differs between drivers, so hot-path queries do not return it).
 */
export interface SqlTx {
  /**
   * `name` prepares the statement once per connection and reuses it (PostgreSQL; ignored on the embedded database):
   * for hot statements whose text never changes, which then skip parsing and, after five runs on a connection,
   * planning too (~1 ms a statement for the write path's CTEs). A name must always come with the same text.
   */
  query<T = Record<string, unknown>>(sql: Prisma.Sql | string, opts?: { name?: string }): Promise<T[]>;
  /** `COPY … FROM STDIN` of COPY text, its UTF-8 bytes, or chunks of them (lib/db/copy.ts); only on PostgreSQL, absent on the embedded database. */
  copyFrom?(sql: string, data: CopyData): Promise<void>;
}

const sqlText = (sql: Prisma.Sql | string): [string, unknown[]] => (typeof sql === "string" ? [sql, []] : [sql.text, sql.values]);

function pool(url: string): pg.Pool {
  if (!state.pool) {
    state.pool = new pg.Pool({
      connectionString: url,
      max: Number(process.env.DRIFTWATCH_DB_POOL_SIZE) || 10,
      connectionTimeoutMillis: 60_000,
    });
    state.pool.on("error", () => {}); // an idle connection that dies is dropped by the pool; the next query reconnects
  }
  return state.pool;
}

/**
 * Runs one statement outside any transaction. `name` prepares it on each pooled connection once and reuses its
 * plan (PostgreSQL only): for statements whose text never changes and whose planning costs more than running
 * them (a subquery over every daily partition of prediction_events plans ~35 partitions, ~55 ms under load). A
 * name must always come with the same text.
 */
export async function rawQuery<T = Record<string, unknown>>(sql: Prisma.Sql | string, { name }: { name?: string } = {}): Promise<T[]> {
  const [text, values] = sqlText(sql);
  const url = config().databaseUrl;
  if (url) return (await pool(url).query(name ? { name, text, values } : { text, values })).rows as T[];
  const { db, ready } = embeddedDatabase();
  await ready;
  return (await db.query<T>(text, values)).rows;
}

/** rawQuery as an executor: statements outside any transaction where a SqlTx is asked for. */
export const rawRunner: SqlTx = { query: rawQuery };

/**
 * Runs `fn` in one transaction (READ COMMITTED), committing when it resolves and rolling back when it throws.
 * `first` is parameterless SQL sent together with BEGIN in one round trip (e.g. taking advisory locks).
 */
export async function rawTransaction<T>(fn: (tx: SqlTx) => Promise<T>, first?: string): Promise<T> {
  const url = config().databaseUrl;
  if (!url) {
    const { db, ready } = embeddedDatabase();
    await ready;
    return db.transaction(async (t: PGliteTransaction) => {
      if (first) await t.exec(first);
      return fn({ query: async <R,>(sql: Prisma.Sql | string) => (await t.query<R>(...sqlText(sql))).rows });
    });
  }
  const client = await pool(url).connect();
  let broken: Error | undefined;
  // A connection that fails between two statements (PostgreSQL shut down or restarted) reports it as an `error`
  // event of the client, which nobody would hear while it is checked out: uncaught, it ends the thread. Heard here,
  // the transaction's next statement fails instead (a database-unavailable error, answered 503) and the
  // connection is dropped, not returned to the pool.
  const onError = (err: Error) => (broken ??= err);
  client.on("error", onError);
  try {
    await client.query(first ? `BEGIN; ${first}` : "BEGIN");
    const result = await fn({
      query: async <R,>(sql: Prisma.Sql | string, opts?: { name?: string }) => {
        const [text, values] = sqlText(sql);
        return (await client.query(opts?.name ? { name: opts.name, text, values } : { text, values })).rows as R[];
      },
      copyFrom: (sql: string, data: CopyData) => copyIn(client, sql, data),
    });
    await client.query("COMMIT");
    return result;
  } catch (err) {
    try {
      await client.query("ROLLBACK");
    } catch (e) {
      broken = e as Error; // the connection is gone: do not return it to the pool
    }
    throw err;
  } finally {
    client.off("error", onError);
    client.release(broken);
  }
}

/** A Prisma client or transaction, or the raw executor (rawTransaction / rawQuery). */
export type AnyTx = Prisma.TransactionClient | Db | SqlTx;

/** Runs one statement on either kind of transaction (`name`: see SqlTx.query; only the raw executor prepares). */
export function runSql<T>(tx: AnyTx, sql: Prisma.Sql, opts?: { name?: string }): Promise<T[]> {
  return "$queryRaw" in tx ? tx.$queryRaw<T[]>(sql) : tx.query<T>(sql, opts);
}

/**
 * Closes every client and the embedded database (tests and scripts; the server keeps them open), and releases
 * the data directory unless `keepLock` (the server closes its start-up connection but keeps the directory).
 */
export async function closeDb({ keepLock = false } = {}): Promise<void> {
  for (const client of state.clients?.values() ?? []) await client.$disconnect();
  state.clients?.clear();
  if (state.pool) {
    const p = state.pool;
    state.pool = undefined;
    await p.end();
  }
  if (state.pglite) {
    await state.pglite.db.close();
    if (!keepLock) state.pglite.release();
    state.pglite = undefined;
  }
}
