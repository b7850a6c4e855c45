/**
 * `npm test` — the whole suite, in the order that fails fastest:
 * type-check, lint (with the import boundaries), migrations-match-schema, unit + integration (vitest; real PostgreSQL when DATABASE_URL is set,
 * else a fresh embedded database), production build, end-to-end in Chromium (Playwright).
 * Ends with one line `test: N passed, N failed[, N skipped]` summed over vitest and Playwright.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(__dirname, "..");
const results = path.join(root, "test-results");
fs.mkdirSync(results, { recursive: true });
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", CHECKPOINT_DISABLE: "1" };

function step(name: string, cmd: string, args: string[], extraEnv: Record<string, string> = {}): boolean {
  const started = Date.now();
  console.log(`\n── ${name}: ${cmd} ${args.join(" ")}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env: { ...env, ...extraEnv } });
  const ok = r.status === 0;
  console.log(`── ${name}: ${ok ? "ok" : `FAILED (exit ${r.status ?? r.signal})`} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return ok;
}

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as T;
  } catch {
    return null;
  }
}

const vitestJson = path.join(results, "vitest.json");
const e2eJson = path.join(results, "e2e.json");
for (const f of [vitestJson, e2eJson]) fs.rmSync(f, { force: true });

let failedSteps = 0;
const run = (ok: boolean) => {
  if (!ok) failedSteps++;
  return ok;
};

run(step("prisma client", "npx", ["prisma", "generate"]));
run(step("type-check", "npx", ["tsc", "--noEmit"]));
run(step("lint", "npx", ["eslint", ".", "--max-warnings", "0"]));
run(step("migrations match schema", "npx", ["tsx", "scripts/db/create-migration.ts", "--check"]));
run(step("unit + integration", "npx", ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${vitestJson}`]));
// scripts/build.ts builds only when a source is newer than the last build (npm install built it)
if (run(step("build", "npx", ["tsx", "scripts/build.ts"]))) {
  run(
    step("end-to-end", "npx", ["playwright", "test", "--reporter=list,json"], {
      PLAYWRIGHT_JSON_OUTPUT_FILE: e2eJson,
      PLAYWRIGHT_JSON_OUTPUT_NAME: e2eJson,
    }),
  );
}

const v = readJson<{ numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number }>(vitestJson);
const e = readJson<{ stats: { expected: number; unexpected: number; flaky: number; skipped: number } }>(e2eJson);
const passed = (v?.numPassedTests ?? 0) + (e ? e.stats.expected + e.stats.flaky : 0);
const failed = (v?.numFailedTests ?? 0) + (e?.stats.unexpected ?? 0);
const skipped = (v ? v.numPendingTests + v.numTodoTests : 0) + (e?.stats.skipped ?? 0);
if (failedSteps > 0) console.log(`\n${failedSteps} step(s) failed; see above.`);
console.log(`\ntest: ${passed} passed, ${failed + (failed === 0 && failedSteps > 0 ? 1 : 0)} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failedSteps > 0 || failed > 0 || passed === 0 ? 1 : 0);
