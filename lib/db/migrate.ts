import crypto from "node:crypto";
import type { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { config } from "../config";
import { embeddedDatabase } from "./client";
import { readMigrations, type MigrationFile } from "./migrations";
import { templateFor } from "./template";

/**
 * Applies the committed migrations in prisma/migrations, in name order, recording each in Prisma's own
 * `_prisma_migrations` table with the same checksum (SHA-256 of migration.sql), so `prisma migrate` keeps
 * working wherever its native engine can be installed. Prisma's CLI cannot run offline; this can, and it runs
 * at every start-up. On PostgreSQL an advisory lock makes concurrent replicas apply each migration once.
 */

type SqlRunner = {
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs a multi-statement script and the bookkeeping insert in one transaction. */
  transaction(fn: (run: SqlRunner) => Promise<void>): Promise<void>;
  exec(sql: string): Promise<void>;
};

const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

export { migrationsDir, readMigrations, type MigrationFile } from "./migrations";

async function applyAll(run: SqlRunner, migrations: MigrationFile[]): Promise<string[]> {
  await run.exec(MIGRATIONS_TABLE);
  const rows = await run.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
    `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
  );
  const done = new Map(rows.map((r) => [r.migration_name, r]));
  const applied: string[] = [];
  for (const m of migrations) {
    const prior = done.get(m.name);
    if (prior?.finished_at) {
      if (prior.checksum !== m.checksum) {
        console.warn(`migration ${m.name} was edited after it was applied (checksum differs); not re-applied`);
      }
      continue;
    }
    if (prior) {
      throw new Error(`migration ${m.name} started earlier but never finished; repair the database by hand`);
    }
    await run.transaction(async (tx) => {
      await tx.exec(m.sql);
      await tx.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count)
         VALUES ($1, $2, now(), $3, 1)`,
        [crypto.randomUUID(), m.checksum, m.name],
      );
    });
    applied.push(m.name);
  }
  return applied;
}

/** Applies pending migrations to an open embedded database (the app's, or the install-time template's). */
export function migrateEmbedded(db: PGlite, migrations = readMigrations()): Promise<string[]> {
  const runner: SqlRunner = {
    query: async <T>(sql: string, params?: unknown[]) => (await db.query<T>(sql, params)).rows,
    exec: async (sql) => void (await db.exec(sql)),
    transaction: (fn) =>
      db.transaction(async (tx) => {
        await fn({
          query: async <T>(sql: string, params?: unknown[]) => (await tx.query<T>(sql, params)).rows,
          exec: async (sql) => void (await tx.exec(sql)),
          transaction: () => Promise.reject(new Error("nested transaction")),
        });
      }),
  };
  return applyAll(runner, migrations);
}

/** Applies pending migrations to the configured database; returns the names applied. */
export async function migrate(migrations = readMigrations()): Promise<string[]> {
  const url = config().databaseUrl;
  if (!url) {
    const { db, ready } = embeddedDatabase({ template: templateFor });
    await ready;
    return migrateEmbedded(db, migrations);
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const runner: SqlRunner = {
      query: async <T>(sql: string, params?: unknown[]) =>
        (await client.query(sql, params as unknown[])).rows as T[],
      exec: async (sql) => void (await client.query(sql)),
      transaction: async (fn) => {
        await client.query("BEGIN");
        try {
          await fn(runner);
          await client.query("COMMIT");
        } catch (err) {
          await client.query("ROLLBACK");
          throw err;
        }
      },
    };
    // Prisma's own migration lock id: replicas (and `prisma migrate deploy`) starting together wait here.
    await client.query("SELECT pg_advisory_lock(72707369)");
    try {
      return await applyAll(runner, migrations);
    } finally {
      await client.query("SELECT pg_advisory_unlock(72707369)");
    }
  } finally {
    await client.end();
  }
}
