import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { describe, expect, it } from "vitest";
import { ensureTemplate } from "../../scripts/db/template";
import { readMigrations } from "./migrations";
import { templateFile, templateFor } from "./template";

describe("embedded database template", () => {
  it("starts a new data directory with every migration applied, and only a new one", async () => {
    const file = await ensureTemplate();
    expect(file && fs.existsSync(file)).toBe(true);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "driftwatch-template-"));
    const dataDir = path.join(dir, "pglite");
    try {
      const template = templateFor(dataDir);
      expect(template).toBeInstanceOf(Blob);
      const db = new PGlite(dataDir, { loadDataDir: template });
      const names = (await db.query<{ migration_name: string }>(`SELECT migration_name FROM "_prisma_migrations" ORDER BY 1`)).rows;
      expect(names.map((r) => r.migration_name)).toEqual(readMigrations().map((m) => m.name));
      expect((await db.query<{ n: number }>("SELECT count(*)::int AS n FROM models")).rows[0].n).toBe(0);
      await db.close();
      // the directory now holds a database: it is opened as it is, never replaced by the template
      expect(templateFor(dataDir)).toBeUndefined();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("is named by the migrations, so a template made before a new migration is not used", () => {
    const migrations = readMigrations();
    const extra = [...migrations, { name: "29991231000000_later", sql: "SELECT 1", checksum: "x" }];
    expect(templateFile(extra)).not.toBe(templateFile(migrations));
    const edited = migrations.map((m, i) => (i === 0 ? { ...m, checksum: "edited" } : m));
    expect(templateFile(edited)).not.toBe(templateFile(migrations));
  });
});
