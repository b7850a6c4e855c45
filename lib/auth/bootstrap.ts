import fs from "node:fs";
import path from "node:path";
import { createApiKey } from "./apiKeys";
import { config } from "../config";
import { getDb } from "../db/client";

/**
 * Makes sure someone can administer a fresh install. Without DRIFTWATCH_ADMIN_TOKEN and without any active admin
 * key, it creates an admin API key and writes its token to `<data dir>/admin-token` (mode 0600) — the way a
 * newcomer gets a token for the README's curl examples. Returns the file path when it created one.
 */
export async function ensureAdminAccess(): Promise<string | null> {
  if (config().adminToken) return null;
  const admins = await getDb().apiKey.count({ where: { revokedAt: null, scopes: { has: "admin" } } });
  if (admins > 0) return null;
  const key = await createApiKey({ name: "bootstrap admin", scopes: ["admin"] });
  const file = path.join(config().dataDir, "admin-token");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, key.token + "\n", { mode: 0o600 });
  return file;
}
