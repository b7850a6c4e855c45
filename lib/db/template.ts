import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { readMigrations, type MigrationFile } from "./migrations";

/**
 * A migrated, empty embedded database kept as a tarball, so a new data directory starts from a copy of it instead of
 * running PostgreSQL's initdb inside WebAssembly (8–13 s on a 2-core machine; the copy takes ~1.5 s). `npm install`
 * and every build make it (scripts/db/template.ts); it is named by a stamp of the PGlite version and the migrations,
 * so a template made before a migration was added is never used: the data directory is then created the slow way.
 */

function pgliteVersion(root: string): string | null {
  try {
    const pkg = path.join(root, "node_modules", "@electric-sql", "pglite", "package.json");
    return (JSON.parse(fs.readFileSync(pkg, "utf8")) as { version: string }).version;
  } catch {
    return null;
  }
}

/** Where the template for this PGlite version and these migrations lives, or null if PGlite's version is unknown. */
export function templateFile(migrations: MigrationFile[] = readMigrations(), root = process.cwd()): string | null {
  const version = pgliteVersion(root);
  if (!version) return null;
  const hash = crypto.createHash("sha256").update(`pglite ${version}\n`);
  for (const m of migrations) hash.update(`${m.name} ${m.checksum}\n`);
  return path.join(root, "node_modules", ".cache", "driftwatch", `pglite-template-${hash.digest("hex").slice(0, 16)}.tar.gz`);
}

/** The template to start `dir` from: only for a data directory that does not exist yet (or is empty) and a fresh template. */
export function templateFor(dir: string): Blob | undefined {
  if (process.env.DRIFTWATCH_PGLITE_TEMPLATE === "0") return undefined;
  if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0) return undefined;
  let file: string | null;
  try {
    file = templateFile();
  } catch {
    return undefined; // no migrations directory here (a test's temp cwd): start the slow way
  }
  if (!file || !fs.existsSync(file)) return undefined;
  return new Blob([fs.readFileSync(file)]);
}

/** Writes a new template (atomically) and removes the stale ones. */
export function saveTemplate(file: string, tarball: Uint8Array) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, tarball);
  fs.renameSync(tmp, file);
  for (const f of fs.readdirSync(path.dirname(file))) {
    if (f.startsWith("pglite-template-") && path.join(path.dirname(file), f) !== file && !f.endsWith(".tmp")) fs.rmSync(path.join(path.dirname(file), f), { force: true });
  }
}
