/**
 * Makes the embedded database's template (lib/db/template.ts): a fresh in-memory PGlite with every migration applied,
 * dumped as a tarball that new data directories start from. Does nothing when the template for this PGlite version
 * and these migrations exists. `npm install` and every build run it.
 *
 *   npx tsx scripts/db/template.ts
 */
import fs from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { migrateEmbedded } from "../../lib/db/migrate";
import { readMigrations } from "../../lib/db/migrations";
import { saveTemplate, templateFile } from "../../lib/db/template";

export async function ensureTemplate(log: (line: string) => void = () => {}): Promise<string | null> {
  const migrations = readMigrations();
  const file = templateFile(migrations);
  if (!file || fs.existsSync(file)) return file;
  const started = Date.now();
  const db = new PGlite();
  try {
    await migrateEmbedded(db, migrations);
    const tarball = await db.dumpDataDir("gzip");
    saveTemplate(file, new Uint8Array(await tarball.arrayBuffer()));
  } finally {
    await db.close();
  }
  log(`driftwatch: embedded database template made in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return file;
}

if (require.main === module) {
  ensureTemplate(console.log).catch((err: unknown) => {
    // Only a speed-up: without a template a new data directory is created the slow way.
    console.warn(`driftwatch: no embedded database template (${err instanceof Error ? err.message : String(err)})`);
  });
}
