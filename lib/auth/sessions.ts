import crypto from "node:crypto";
import { getDb } from "../db/client";
import { requestHost } from "../http/requestHost";
import { isRole, type Role } from "./roles";

/** The session cookie: a random token; the sessions table keeps only its SHA-256. */
export const SESSION_COOKIE = "driftwatch_session";
const SESSION_HOURS = () => Number(process.env.DRIFTWATCH_SESSION_HOURS) || 7 * 24;

export type SessionUser = { id: string; email: string; name: string | null; role: Role };
export type CurrentSession = { sessionId: string; user: SessionUser; expiresAt: Date };

const hashToken = (token: string) => crypto.createHash("sha256").update(token).digest("hex");

/** Tokens are 32 random bytes, base64url: anything else is not looked up at all. */
export const looksLikeSessionToken = (token: string | undefined): token is string => !!token && /^[A-Za-z0-9_-]{43}$/.test(token);

export async function createSession(userId: string): Promise<{ token: string; expiresAt: Date }> {
  const token = crypto.randomBytes(32).toString("base64url");
  const expiresAt = new Date(Date.now() + SESSION_HOURS() * 3600_000);
  await getDb().session.create({ data: { id: hashToken(token), userId, expiresAt } });
  return { token, expiresAt };
}

/** The live session for a cookie value: unexpired, and its user not disabled; null otherwise. */
export async function sessionFromToken(token: string | undefined): Promise<CurrentSession | null> {
  if (!looksLikeSessionToken(token)) return null;
  const id = hashToken(token);
  const row = await getDb().session.findUnique({ where: { id }, include: { user: true } });
  if (!row) return null;
  const now = Date.now();
  if (row.expiresAt.getTime() <= now || row.user.disabledAt || !isRole(row.user.role)) {
    if (row.expiresAt.getTime() <= now) await getDb().session.deleteMany({ where: { id } });
    return null;
  }
  if (row.lastSeenAt.getTime() < now - 60_000) {
    await getDb().session.updateMany({ where: { id }, data: { lastSeenAt: new Date(now) } });
  }
  const u = row.user;
  return { sessionId: id, expiresAt: row.expiresAt, user: { id: u.id, email: u.email, name: u.name, role: u.role as Role } };
}

export async function deleteSession(token: string | undefined): Promise<void> {
  if (looksLikeSessionToken(token)) await getDb().session.deleteMany({ where: { id: hashToken(token) } });
}

/** Ends a user's sessions, all or all but one (the admin changing their own password stays signed in). */
export async function deleteUserSessions(userId: string, exceptSessionId?: string): Promise<void> {
  await getDb().session.deleteMany({ where: { userId, ...(exceptSessionId ? { id: { not: exceptSessionId } } : {}) } });
}

/** Reads one cookie from a Cookie header. */
export function cookieFrom(header: string | null, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Whether the browser reached us over HTTPS (directly, or through a proxy that says so, or as configured). */
export function requestIsHttps(headers: Headers, url?: string): boolean {
  const forwarded = headers.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase();
  if (forwarded) return forwarded === "https";
  if (url?.startsWith("https:")) return true;
  return (process.env.DRIFTWATCH_PUBLIC_URL ?? "").startsWith("https:");
}

/** Cookie attributes for the session: HttpOnly, SameSite=Lax, Secure over HTTPS, expiring with the session. */
export function sessionCookieOptions(expiresAt: Date, https: boolean) {
  return { httpOnly: true, sameSite: "lax" as const, secure: https, path: "/", expires: expiresAt };
}

/**
 * CSRF defence for cookie-authenticated changes: the browser must say the request comes from this origin
 * (Origin equal to the host it was sent to, or Sec-Fetch-Site: same-origin). Bearer-token requests need no check:
 * a browser never attaches those by itself.
 */
export function isSameOrigin(headers: Headers): boolean {
  const origin = headers.get("origin");
  const host = requestHost(headers);
  if (origin && origin !== "null") {
    try {
      return !!host && new URL(origin).host === host;
    } catch {
      return false;
    }
  }
  return headers.get("sec-fetch-site") === "same-origin";
}
