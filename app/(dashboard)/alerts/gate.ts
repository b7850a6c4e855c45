import "server-only";
import { cookies } from "next/headers";
import { authorize, hasScope, type Principal } from "@/lib/auth/authorize";
import { ApiError } from "@/lib/errors";

/**
 * Who is using the alerts page: the API key (or admin token) kept in an httpOnly cookie by the sign-in form,
 * checked by the API's own authorisation on every request. Reading needs `read`, changing anything `admin`.
 * (Interim: the dashboard-wide sign-in replaces this once it exists.)
 */
export const TOKEN_COOKIE = "driftwatch_alerts_token";

async function principalFor(token: string | undefined, scope: "read" | "admin"): Promise<Principal | null> {
  if (!token) return null;
  const request = new Request("http://driftwatch.local/", { headers: { authorization: `Bearer ${token}` } });
  try {
    return await authorize(request, scope);
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.status === 403)) return null;
    throw err;
  }
}

/** The signed-in reader, or null (the page then shows the sign-in form). */
export async function currentViewer(): Promise<{ principal: Principal; canEdit: boolean } | null> {
  const principal = await principalFor((await cookies()).get(TOKEN_COOKIE)?.value, "read");
  return principal ? { principal, canEdit: hasScope(principal, "admin") } : null;
}

/** Throws unless the request comes from someone allowed to change alerting (admin scope). */
export async function requireEditor(): Promise<void> {
  const token = (await cookies()).get(TOKEN_COOKIE)?.value;
  if (!token) throw new ApiError(401, "unauthorized", "Sign in first.");
  if (!(await principalFor(token, "admin"))) throw new ApiError(403, "forbidden", "Changing alerting needs an API key with the admin scope.");
}

/** Checks a token and keeps it in the cookie; false when it is not a valid key with at least `read`. */
export async function signIn(token: string): Promise<boolean> {
  if (!(await principalFor(token.trim(), "read"))) return false;
  (await cookies()).set(TOKEN_COOKIE, token.trim(), { httpOnly: true, sameSite: "strict", path: "/", maxAge: 12 * 3600 });
  return true;
}

export async function signOut(): Promise<void> {
  (await cookies()).delete(TOKEN_COOKIE);
}
