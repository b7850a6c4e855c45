/**
 * The one access rule for every path the app serves (proxy.ts applies it to each request; the route-walk test
 * checks it against every page and route file). Deny by default: a new page or route is behind the sign-in
 * without anyone having to remember it.
 *
 * - "public": served to anyone — only the health check and the sign-in page itself.
 * - "api": needs credentials — a bearer token (checked, with its scope, by the route's `authorize`) or a live
 *   dashboard session; otherwise 401 in the error contract.
 * - "page": needs a live session; otherwise a redirect to the sign-in page.
 * `/metrics` is "api", or "public" when the operator sets METRICS_PUBLIC=true (DESIGN.md).
 */
export type Access = "public" | "api" | "page";

export const PUBLIC_PATHS: ReadonlySet<string> = new Set(["/api/health", "/signin"]);
export const SIGN_IN_PATH = "/signin";

export function accessFor(pathname: string, metricsPublic = process.env.METRICS_PUBLIC === "true"): Access {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, "") : pathname;
  if (PUBLIC_PATHS.has(path)) return "public";
  if (path === "/metrics") return metricsPublic ? "public" : "api";
  if (path === "/api" || path.startsWith("/api/") || path === "/metrics") return "api";
  return "page";
}

/** Where to go after signing in: only a path on this site (never `//evil.example` or a full URL). */
export function safeNext(next: string | null | undefined): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\") || next.startsWith(SIGN_IN_PATH)) return "/";
  return next;
}
