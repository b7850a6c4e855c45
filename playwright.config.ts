import { defineConfig } from "@playwright/test";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const port = Number(process.env.E2E_PORT) || 3100;
// The app under test gets its own embedded database, or its own PostgreSQL database (below).
const dataDir = process.env.E2E_DATA_DIR || fs.mkdtempSync(path.join(os.tmpdir(), "driftwatch-e2e-"));

/**
 * With DATABASE_URL, the app under test gets a fresh database of its own on that server (`<name>_e2e`), so the
 * end-to-end run starts empty whatever the integration tests left behind. The config is evaluated again in each
 * worker; the environment marker makes the reset happen once.
 */
function e2eDatabaseUrl(): string | undefined {
  const url = process.env.DATABASE_URL;
  if (!url) return undefined;
  if (process.env.DRIFTWATCH_E2E_DATABASE_URL) return process.env.DRIFTWATCH_E2E_DATABASE_URL;
  const target = new URL(url);
  target.pathname = `${target.pathname.slice(1) || "postgres"}_e2e`;
  const name = target.pathname.slice(1);
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`unexpected database name ${name}`);
  execFileSync("psql", [url, "-q", "-c", `DROP DATABASE IF EXISTS ${name}`, "-c", `CREATE DATABASE ${name}`], { stdio: "inherit" });
  process.env.DRIFTWATCH_E2E_DATABASE_URL = target.toString();
  return target.toString();
}
const databaseUrl = e2eDatabaseUrl();
import { ADMIN_STATE, E2E_ADMIN_EMAIL, E2E_ADMIN_PASSWORD, E2E_ADMIN_TOKEN } from "./e2e/env";
import { SERVER_NODE_FLAGS } from "./scripts/nodeFlags";

export default defineConfig({
  testDir: "e2e",
  // Playwright empties its output directory on start; keep it apart from the other results in test-results/.
  outputDir: "test-results/playwright",
  timeout: 60_000,
  workers: 1,
  reporter: [["list"]],
  projects: [
    // Signs in as the e2e admin once and saves the cookie: every spec after it runs signed in.
    { name: "setup", testMatch: /auth\.setup\.ts$/ },
    { name: "fresh-install", testMatch: /fresh\.spec\.ts$/, dependencies: ["setup"], use: { storageState: ADMIN_STATE } },
    { name: "app", testIgnore: /(fresh\.spec|auth\.setup)\.ts$/, dependencies: ["fresh-install"], use: { storageState: ADMIN_STATE } },
  ],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: {
    // The built app, served exactly as `npm start` serves it.
    command: `npx tsx ${SERVER_NODE_FLAGS.join(" ")} scripts/start.ts`,
    url: `http://127.0.0.1:${port}/api/health`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: "pipe",
    env: {
      PORT: String(port),
      HOST: "127.0.0.1",
      DRIFTWATCH_DATA_DIR: dataDir,
      // On PostgreSQL the app runs as `npm start` would with DRIFTWATCH_WORKERS=2 (two server processes on one
      // port), so every end-to-end request may land on either process: the cluster mode is exercised in CI.
      ...(databaseUrl ? { DATABASE_URL: databaseUrl, DRIFTWATCH_WORKERS: "2" } : {}),
      DRIFTWATCH_ADMIN_TOKEN: E2E_ADMIN_TOKEN,
      DRIFTWATCH_ADMIN_EMAIL: E2E_ADMIN_EMAIL,
      DRIFTWATCH_ADMIN_PASSWORD: E2E_ADMIN_PASSWORD,
      NEXT_TELEMETRY_DISABLED: "1",
    },
  },
});
