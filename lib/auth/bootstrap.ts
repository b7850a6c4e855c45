import fs from "node:fs";
import path from "node:path";
import { createApiKey } from "./apiKeys";
import { audit } from "./audit";
import { generatePassword } from "./passwords";
import { countUsers, createUser, MIN_PASSWORD } from "./users";
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
  const key = await createApiKey({ name: "bootstrap admin", scopes: ["admin"] }, "bootstrap");
  const file = path.join(config().dataDir, "admin-token");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, key.token + "\n", { mode: 0o600 });
  return file;
}

/**
 * Creates the first dashboard admin when there are no users yet: DRIFTWATCH_ADMIN_EMAIL (default
 * admin@localhost) with DRIFTWATCH_ADMIN_PASSWORD, or a generated password that is returned (to be printed once)
 * and written to `<data dir>/admin-password` (mode 0600), next to the bootstrap token.
 */
export async function ensureFirstAdmin(): Promise<{ email: string; password?: string; file?: string } | null> {
  if ((await countUsers()) > 0) return null;
  const email = (process.env.DRIFTWATCH_ADMIN_EMAIL || "admin@localhost").trim().toLowerCase();
  const configured = process.env.DRIFTWATCH_ADMIN_PASSWORD;
  const password = configured || generatePassword();
  if (configured && configured.length < MIN_PASSWORD) {
    throw new Error(`DRIFTWATCH_ADMIN_PASSWORD must have at least ${MIN_PASSWORD} characters`);
  }
  await createUser({ email, role: "admin", password });
  await audit("system", "user.create", email, { role: "admin", first: true });
  if (configured) return { email };
  const file = path.join(config().dataDir, "admin-password");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${email}\n${password}\n`, { mode: 0o600 });
  return { email, password, file };
}
