import { expect, test } from "@playwright/test";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { E2E_ADMIN_TOKEN } from "./env";

/**
 * The README's shell examples, run as written against the built app. Only the address changes (the test server
 * listens on its own port); `.data/admin-token` is provided in a scratch directory, as `npm start` would create it.
 */
test("the README's curl examples run as written", async ({ baseURL }) => {
  const readme = fs.readFileSync(path.join(__dirname, "..", "README.md"), "utf8");
  const blocks = [...readme.matchAll(/```bash\n([\s\S]*?)```/g)]
    .map((m) => m[1])
    .filter((b) => /\bcurl\b|export TOKEN/.test(b));
  expect(blocks.length).toBeGreaterThanOrEqual(6);

  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "driftwatch-readme-"));
  fs.mkdirSync(path.join(cwd, ".data"));
  fs.writeFileSync(path.join(cwd, ".data", "admin-token"), E2E_ADMIN_TOKEN + "\n");

  const outputs: string[] = [];
  for (const block of blocks) {
    const script = `set -euo pipefail\n${fs.existsSync(path.join(cwd, "env.sh")) ? "source env.sh\n" : ""}${block.replaceAll("http://localhost:3000", baseURL!)}\necho; export -p > env.sh`;
    const out = execFileSync("bash", ["-c", script], { cwd, encoding: "utf8" });
    expect(out, `README block:\n${block}`).not.toContain('"error"');
    outputs.push(out);
  }
  const all = outputs.join("\n");
  expect(all).toContain('{"accepted":1,"duplicates":0,"rejected":[]}');
  expect(all).toContain('"matched":1');
  expect(all).toMatch(/"referenceId":"\d+".*"rows":2/);
  expect(all).toMatch(/"token":"dw_/);
});
