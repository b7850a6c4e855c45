import "server-only";
import { cookies, headers } from "next/headers";
import { ApiError } from "../errors";
import { actorOf, audit } from "./audit";
import type { Principal } from "./authorize";
import { ROLES, type Role } from "./roles";
import { SESSION_COOKIE, createSession, deleteSession, requestIsHttps, sessionCookieOptions, sessionFromToken, type CurrentSession } from "./sessions";

/** The signed-in person of the current page or server action, or null. */
export async function currentSession(): Promise<CurrentSession | null> {
  return sessionFromToken((await cookies()).get(SESSION_COOKIE)?.value);
}

export const principalOfSession = (s: CurrentSession): Principal => ({
  kind: "user",
  userId: s.user.id,
  email: s.user.email,
  role: s.user.role,
  sessionId: s.sessionId,
});

/** At least `role`? (viewer < editor < admin) */
export const roleAtLeast = (have: Role, need: Role) => ROLES.indexOf(have) >= ROLES.indexOf(need);

/**
 * For server actions: the session, if its role is at least `role`; throws 401/403 otherwise. (Next checks
 * that a server action's Origin matches the host, and the cookie is SameSite=Lax: the CSRF defences.)
 */
export async function requireRole(role: Role): Promise<CurrentSession> {
  const session = await currentSession();
  if (!session) throw new ApiError(401, "unauthorized", "Your session has ended: sign in again.");
  if (!roleAtLeast(session.user.role, role)) throw new ApiError(403, "forbidden", `This needs the ${role} role; you are ${session.user.role}.`);
  return session;
}

/** Records a change made from the dashboard by the signed-in person. */
export async function auditAs(session: CurrentSession, action: string, target?: string | null, detail?: Record<string, unknown>) {
  await audit(actorOf(principalOfSession(session)), action, target, detail);
}

/** Starts a session for `userId` and sets its cookie. */
export async function startSession(userId: string): Promise<void> {
  const { token, expiresAt } = await createSession(userId);
  const h = await headers();
  (await cookies()).set(SESSION_COOKIE, token, sessionCookieOptions(expiresAt, requestIsHttps(h)));
}

/** Ends the current session (in the table, and the cookie). */
export async function endSession(): Promise<void> {
  const jar = await cookies();
  await deleteSession(jar.get(SESSION_COOKIE)?.value);
  jar.delete(SESSION_COOKIE);
}
