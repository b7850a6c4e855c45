/**
 * Builds the app when its sources changed since the last build (`.next/BUILD_ID`), else does nothing.
 * `npm install` runs it (postinstall), so a fresh clone's first `npm start` / `npm run demo` serves at once instead of
 * building for a minute or more first; `npm start` and `npm test` run it too, so an edited checkout is rebuilt
 * before it is served or tested. `DRIFTWATCH_SKIP_BUILD=1 npm install` skips the install-time build.
 *
 *   npx tsx scripts/build.ts [--force]
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { readMigrations } from "../lib/db/migrations";
import { templateFile } from "../lib/db/template";

const root = path.resolve(__dirname, "..");
/** What a build is made of: a change to any of these makes the build stale. */
const SOURCES = ["app", "components", "lib", "prisma", "public", "next.config.ts", "package.json", "postcss.config.mjs", "instrumentation.ts", "proxy.ts", "tsconfig.json"];

function newestMtime(p: string): number {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const entry of fs.readdirSync(p)) {
    if (entry === "generated" || entry === "node_modules" || entry.startsWith(".")) continue;
    newest = Math.max(newest, newestMtime(path.join(p, entry)));
  }
  return newest;
}

function run(cmd: string, args: string[]) {
  execFileSync(cmd, args, { cwd: root, stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
}

/** True when `.next` holds a build at least as new as every source. */
export function buildIsFresh(): boolean {
  const buildId = path.join(root, ".next", "BUILD_ID");
  if (!fs.existsSync(buildId)) return false;
  const built = fs.statSync(buildId).mtimeMs;
  return SOURCES.every((s) => newestMtime(path.join(root, s)) <= built);
}

/** Generates the Prisma client when the schema is newer than it. */
export function generateIfStale() {
  const schema = path.join(root, "prisma", "schema.prisma");
  const client = path.join(root, "lib", "generated", "prisma", "client.ts");
  if (!fs.existsSync(client) || fs.statSync(client).mtimeMs < fs.statSync(schema).mtimeMs) run("npx", ["prisma", "generate"]);
}

/** Generates the Prisma client if the schema is newer, then builds unless the build is fresh. Returns whether it built. */
export function buildIfStale(opts: { force?: boolean; log?: (line: string) => void } = {}): boolean {
  generateIfStale();
  if (!opts.force && buildIsFresh()) return false;
  opts.log?.("driftwatch: building the app (sources changed since the last build)…");
  run("npx", ["next", "build"]);
  ensureTemplate();
  return true;
}

/** Makes the embedded database's template (scripts/db/template.ts) when this PGlite version and these migrations have none. */
export function ensureTemplate() {
  const file = templateFile(readMigrations(path.join(root, "prisma", "migrations")), root);
  if (file && !fs.existsSync(file)) run("npx", ["tsx", "scripts/db/template.ts"]);
}

if (require.main === module) {
  if (process.env.npm_lifecycle_event === "postinstall" && process.env.DRIFTWATCH_SKIP_BUILD === "1") process.exit(0);
  const started = Date.now();
  const built = buildIfStale({ force: process.argv.includes("--force"), log: console.log });
  if (!built) ensureTemplate();
  console.log(built ? `driftwatch: built in ${((Date.now() - started) / 1000).toFixed(1)} s` : "driftwatch: the build is up to date");
}
