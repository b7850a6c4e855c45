import crypto from "node:crypto";
import { ApiError } from "../errors";
import { config } from "../config";
import { getDb } from "../db/client";
import { takeRequest } from "./rateLimit";
import { ROLE_SCOPES, type Role } from "./roles";
import { SESSION_COOKIE, cookieFrom, isSameOrigin, sessionFromToken } from "./sessions";

export const SCOPES = ["ingest", "read", "admin"] as const;
export type Scope = (typeof SCOPES)[number];
export type Principal =
  | { kind: "admin_token" }
  | { kind: "api_key"; keyId: string; prefix: string; scopes: Scope[] }
  | { kind: "user"; userId: string; email: string; role: Role; sessionId: string };

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
// Well-formed tokens that are no live key (unknown, wrong secret, revoked, expired) are remembered too, by hash, so
// a client repeating one costs no database read. A token cannot turn valid later (tokens are random; revoked and
// expired keys stay so), so a miss can be kept long; past MISS_MAX entries the list is forgotten, never grown.
const MISS_MS = 10 * 60_000;
const MISS_MAX = 10_000;
const misses = new Map<string, number>();
/** Database reads of api_keys made to verify a token (tests check that a repeated bad token makes one). */
export const apiKeyLookups = { count: 0 };

function rememberMiss(cacheKey: string, now: number): null {
  if (misses.size >= MISS_MAX) misses.clear();
  misses.set(cacheKey, now + MISS_MS);
  return null;
}

async function lookupApiKey(token: string): Promise<Principal | null> {
  const parsed = parseToken(token);
  if (!parsed) return null;
  const cacheKey = sha256(token).toString("hex");
  const hit = cache.get(cacheKey);
  const now = Date.now();
  if (hit && hit.until > now) return hit.principal;
  if ((misses.get(cacheKey) ?? 0) > now) return null;
  apiKeyLookups.count++;
  const row = await getDb().apiKey.findUnique({ where: { prefix: parsed.prefix } });
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt.getTime() <= now)) return rememberMiss(cacheKey, now);
  if (!crypto.timingSafeEqual(Buffer.from(row.hash, "hex"), sha256(token))) return rememberMiss(cacheKey, now);
  const principal: Principal = { kind: "api_key", keyId: row.id, prefix: row.prefix, scopes: row.scopes as Scope[] };
  cache.set(cacheKey, { principal, until: Math.min(now + CACHE_MS, row.expiresAt?.getTime() ?? Infinity) });
  if ((lastUsedWritten.get(row.id) ?? 0) < now - 60_000) {
    lastUsedWritten.set(row.id, now);
    await getDb().apiKey.update({ where: { id: row.id }, data: { lastUsedAt: new Date(now) } });
  }
  return principal;
}

/** Forgets cached keys (after a revoke on this replica, and in tests). */
export function clearAuthCache() {
  cache.clear();
  misses.clear();
}

export function hasScope(principal: Principal, scope: Scope): boolean {
  if (principal.kind === "admin_token") return true;
  if (principal.kind === "user") return ROLE_SCOPES[principal.role].includes("admin") || ROLE_SCOPES[principal.role].includes(scope);
  return principal.scopes.includes("admin") || principal.scopes.includes(scope);
}

// The principal each request was authorised as, for the audit record the route wrapper writes.
const principals = new WeakMap<Request, Principal>();
export const principalOf = (request: Request): Principal | null => principals.get(request) ?? null;

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Who sent the request: a bearer token (admin token or API key), or else the dashboard's session cookie. */
export async function authenticate(request: Request): Promise<Principal> {
  const header = request.headers.get("authorization");
  if (header) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) throw new ApiError(401, "unauthorized", "Send an API key as `Authorization: Bearer <token>`.");
    const token = m[1];
    const admin = config().adminToken;
    const principal: Principal | null = admin && secretsEqual(token, admin) ? { kind: "admin_token" } : await lookupApiKey(token);
    if (!principal) throw new ApiError(401, "unauthorized", "The bearer token is not a valid API key.");
    return principal;
  }
  const session = await sessionFromToken(cookieFrom(request.headers.get("cookie"), SESSION_COOKIE));
  if (!session) {
    throw new ApiError(401, "unauthorized", "Send an API key as `Authorization: Bearer <token>`, or sign in to the dashboard.");
  }
  if (!SAFE_METHODS.has(request.method.toUpperCase()) && !isSameOrigin(request.headers)) {
    throw new ApiError(403, "cross_origin", "A signed-in browser may change things only from Driftwatch's own pages.");
  }
  const u = session.user;
  return { kind: "user", userId: u.id, email: u.email, role: u.role, sessionId: session.sessionId };
}

/**
 * Authenticates the request (bearer token, or the dashboard session) and checks that it carries `scope` (admin
 * implies every scope; a user's role stands for its scopes). Throws 401 for missing or unknown credentials, 403
 * for known ones without the scope, and 403 for a cookie-authenticated change from another origin (CSRF).
 */
export async function authorize(request: Request, scope: Scope | Scope[]): Promise<Principal> {
  const principal = await authenticate(request);
  takeRequest(principal);
  principals.set(request, principal);
  const wanted = Array.isArray(scope) ? scope : [scope];
  if (!wanted.some((s) => hasScope(principal, s))) {
    const who = principal.kind === "user" ? `The ${principal.role} role` : "This API key";
    throw new ApiError(403, "forbidden", `${who} lacks the ${wanted.map((s) => `'${s}'`).join(" or ")} scope.`);
  }
  return principal;
}
