import "server-only";
import { currentSession, principalOfSession, requireRole, roleAtLeast } from "@/lib/auth/current";
import type { Principal } from "@/lib/auth/authorize";

/**
 * Who is using the alerts page: the dashboard session (proxy.ts and the dashboard layout already require one).
 * Everyone signed in reads; editors and admins change alerting.
 */
export async function currentViewer(): Promise<{ principal: Principal; canEdit: boolean } | null> {
  const session = await currentSession();
  return session ? { principal: principalOfSession(session), canEdit: roleAtLeast(session.user.role, "editor") } : null;
}

/** Throws unless the request comes from someone allowed to change alerting (editor or admin); returns the session. */
export async function requireEditor() {
  return requireRole("editor");
}
