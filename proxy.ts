import { NextResponse, type NextRequest } from "next/server";
import { accessFor, SIGN_IN_PATH } from "@/lib/auth/gate";
import { SESSION_COOKIE, sessionFromToken } from "@/lib/auth/sessions";
import { apiRouteMethods } from "@/lib/http/apiRoutes";
import { API_CSP, newNonce, pageCsp, STATIC_SECURITY_HEADERS } from "@/lib/http/securityHeaders";

/**
 * The sign-in gate, the one place every request passes (Next 16's proxy, Node.js runtime): pages need a live
 * session, API routes a bearer token or a live session, and only `/api/health` and `/signin` are open
 * (lib/auth/gate.ts has the rule; tests/integration/gate.test.ts walks every route against it). Route handlers
 * still check the token and its scope themselves (`authorize`), and server actions check the session's role.
 *
 * For `/api` it also answers, in the error contract, what would otherwise reach Next's own plain-text or HTML
 * answers: a path that is not valid percent-encoded UTF-8 (400), an unknown path (404), a method the route does
 * not have (405 with `Allow`).
 */
export async function proxy(request: NextRequest) {
  // Pages get a policy with a fresh nonce, which Next.js reads from the request's CSP header and puts on each of
  // its scripts; the API a policy that allows nothing (lib/http/securityHeaders.ts).
  const page = !isApiPath(request.nextUrl.pathname);
  const csp = page ? pageCsp(newNonce()) : API_CSP;
  const forwarded = new Headers(request.headers);
  if (page) forwarded.set("content-security-policy", csp);
  const response = await gate(request, () => NextResponse.next({ request: { headers: forwarded } }));
  response.headers.set("content-security-policy", csp);
  for (const [name, value] of Object.entries(STATIC_SECURITY_HEADERS)) response.headers.set(name, value);
  return response;
}

const isApiPath = (pathname: string) => pathname === "/api" || pathname.startsWith("/api/") || pathname === "/metrics";

/** Who may pass: `next` lets the request through to the page or route. */
async function gate(request: NextRequest, next: () => NextResponse): Promise<NextResponse> {
  const { pathname, search } = request.nextUrl;
  const access = accessFor(pathname);
  if (access === "public") {
    if (pathname === SIGN_IN_PATH && (await sessionFromToken(request.cookies.get(SESSION_COOKIE)?.value))) {
      return NextResponse.redirect(new URL("/", request.url));
    }
    return next();
  }
  if (access === "api") {
    // Credentials first (deny by default: without them every path answers 401, whatever is there), then the path.
    if (!validEncoding(pathname)) return apiError(400, "invalid_path", "The path is not valid percent-encoded UTF-8.");
    if (!request.headers.has("authorization") && !(await sessionFromToken(request.cookies.get(SESSION_COOKIE)?.value))) {
      return apiError(401, "unauthorized", "Send an API key as `Authorization: Bearer <token>`, or sign in to the dashboard.", {
        "www-authenticate": 'Bearer realm="driftwatch"',
      });
    }
    return apiRouteError(pathname, request.method) ?? next();
  }
  if (await sessionFromToken(request.cookies.get(SESSION_COOKIE)?.value)) return next();
  const target = new URL(SIGN_IN_PATH, request.url);
  if (pathname !== "/" || search) target.searchParams.set("next", pathname + search);
  const response = NextResponse.redirect(target);
  if (request.cookies.has(SESSION_COOKIE)) response.cookies.delete(SESSION_COOKIE);
  return response;
}

function apiError(status: number, code: string, message: string, headers?: Record<string, string>) {
  return NextResponse.json({ error: { code, message } }, { status, headers });
}

function validEncoding(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

/** 404 for a path no API route serves, 405 (with Allow) for a method the route does not answer; else null. */
function apiRouteError(pathname: string, method: string): NextResponse | null {
  if (pathname === "/metrics") return null;
  const allowed = apiRouteMethods(pathname);
  if (!allowed) return apiError(404, "not_found", `No API route at ${pathname}; the API is described in the README.`);
  if (!allowed.includes(method.toUpperCase())) {
    return apiError(405, "method_not_allowed", `${pathname} answers ${allowed.filter((m) => m !== "OPTIONS" && m !== "HEAD").join(", ")}, not ${method}.`, {
      allow: allowed.join(", "),
    });
  }
  return null;
}

export const config = {
  // Everything but Next's own static files (hashed JS/CSS, optimised images), the favicon, and the three routes
  // that take large bodies: Next buffers a request body for the proxy and cuts it at 10 MB, so a reference upload
  // through the proxy lost every row after its first 10 MB. Those handlers authenticate by themselves (the route
  // walk checks that every handler refuses a request without credentials) and stream their bodies with their own
  // limits. Their ids match the model-id pattern, so a bad path (`%FF`) still comes here.
  matcher: [
    "/((?!_next/static|_next/image|favicon\\.ico|api/v1/predictions/?$|api/v1/labels/?$|api/v1/models/[a-z0-9][a-z0-9_.-]*/reference/?$).*)",
  ],
};
