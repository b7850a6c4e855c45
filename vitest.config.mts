import { defineConfig } from "vitest/config";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

// Without DATABASE_URL the suite runs on a fresh embedded database of its own, never the developer's .data/.
if (!process.env.DATABASE_URL && !process.env.DRIFTWATCH_DATA_DIR) {
  process.env.DRIFTWATCH_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "driftwatch-test-"));
}

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname, "."),
      // `server-only` throws outside React's server bundle; tests import server modules directly.
      "server-only": path.resolve(import.meta.dirname, "tests/setup/empty.ts"),
    },
  },
  test: {
    include: ["lib/**/*.test.ts", "tests/**/*.test.ts"],
    environment: "node",
    globalSetup: ["tests/setup/global.ts"],
    setupFiles: ["tests/setup/file.ts"],
    // No request rate limit in tests (they call handlers far faster than any client); limits.test.ts turns it on.
    env: { DRIFTWATCH_ADMIN_TOKEN: "test-admin-token-0123456789", DRIFTWATCH_RATE_LIMIT_PER_SECOND: "0" },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration files share one database; run files one at a time so they never race on it.
    fileParallelism: false,
  },
});
