import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/** The committed migrations (prisma/migrations), read without opening a database. */

export type MigrationFile = { name: string; sql: string; checksum: string };

export function migrationsDir(): string {
  return process.env.DRIFTWATCH_MIGRATIONS_DIR || path.join(process.cwd(), "prisma", "migrations");
}

export function readMigrations(dir = migrationsDir()): MigrationFile[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: crypto.createHash("sha256").update(sql).digest("hex") };
    });
}
