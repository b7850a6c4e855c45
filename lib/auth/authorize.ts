import crypto from "node:crypto";
import { ApiError } from "../errors";
import { config } from "../config";
import { getDb } from "../db/client";

export const SCOPES = ["ingest", "read", "admin"] as const;
export type Scope = (typeof SCOPES)[number];
export type Principal = { kind: "admin_token" } | { kind: "api_key"; keyId: string; scopes: Scope[] };

const sha256 = (text: string) => crypto.createHash("sha256").update(text).digest();

/** Compares two secrets in time that does not depend on where they differ (hashing first equalises lengths). */
export function secretsEqual(a: string, b: string): boolean {
  return crypto.timingSafeEqual(sha256(a), sha256(b));
}

/**
 * API key tokens look like `dw_<prefix>_<secret>`: the prefix finds the row, the SHA-256 of the whole token is
 * what is stored. Tokens carry 192 random bits, so a fast hash is enough (no password stretching needed).
 */
export function newApiKeyToken(): { token: string; prefix: string; hash: string } {
  const prefix = crypto.randomBytes(6).toString("base64url");
  const token = `dw_${prefix}_${crypto.randomBytes(24).toString("base64url")}`;
  return { token, prefix, hash: sha256(token).toString("hex") };
}

function parseToken(token: string): { prefix: string } | null {
  const m = /^dw_([A-Za-z0-9_-]{8})_[A-Za-z0-9_-]{32}$/.exec(token);
  return m ? { prefix: m[1] } : null;
}

// Verified keys are remembered briefly so ingest does not read api_keys on every request; a revoked key stops
// working on every replica within this time.
const CACHE_MS = 30_000;
const cache = new Map<string, { principal: Principal; until: number }>();
const lastUsedWritten = new Map<string, number>();

async function lookupApiKey(token: string): Promise<Principal | null> {
  const parsed = parseToken(token);
  if (!parsed) return null;
  const cacheKey = sha256(token).toString("hex");
  const hit = cache.get(cacheKey);
  const now = Date.now();
  if (hit && hit.until > now) return hit.principal;
  const row = await getDb().apiKey.findUnique({ where: { prefix: parsed.prefix } });
  if (!row || row.revokedAt) return null;
  if (!crypto.timingSafeEqual(Buffer.from(row.hash, "hex"), sha256(token))) return null;
  const principal: Principal = { kind: "api_key", keyId: row.id, scopes: row.scopes as Scope[] };
  cache.set(cacheKey, { principal, until: now + CACHE_MS });
  if ((lastUsedWritten.get(row.id) ?? 0) < now - 60_000) {
    lastUsedWritten.set(row.id, now);
    await getDb().apiKey.update({ where: { id: row.id }, data: { lastUsedAt: new Date(now) } });
  }
  return principal;
}

/** Forgets cached keys (after a revoke on this replica, and in tests). */
export function clearAuthCache() {
  cache.clear();
}

export function hasScope(principal: Principal, scope: Scope): boolean {
  if (principal.kind === "admin_token") return true;
  return principal.scopes.includes("admin") || principal.scopes.includes(scope);
}

/**
 * Authenticates the request's bearer token and checks that it carries `scope` (admin implies every scope).
 * Throws 401 for a missing or unknown token, 403 for a known token without the scope.
 */
export async function authorize(request: Request, scope: Scope | Scope[]): Promise<Principal> {
  const header = request.headers.get("authorization") ?? "";
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m) {
    throw new ApiError(401, "unauthorized", "Send an API key as `Authorization: Bearer <token>`.");
  }
  const token = m[1];
  const admin = config().adminToken;
  let principal: Principal | null = null;
  if (admin && secretsEqual(token, admin)) principal = { kind: "admin_token" };
  else principal = await lookupApiKey(token);
  if (!principal) throw new ApiError(401, "unauthorized", "The bearer token is not a valid API key.");
  const wanted = Array.isArray(scope) ? scope : [scope];
  if (!wanted.some((s) => hasScope(principal, s))) {
    throw new ApiError(403, "forbidden", `This API key lacks the ${wanted.map((s) => `'${s}'`).join(" or ")} scope.`);
  }
  return principal;
}
