import { NextResponse, type NextRequest } from "next/server";
import { accessFor, SIGN_IN_PATH } from "@/lib/auth/gate";
import { SESSION_COOKIE, sessionFromToken } from "@/lib/auth/sessions";

/**
 * The sign-in gate, the one place every request passes (Next 16's proxy, Node.js runtime): pages need a live
 * session, API routes a bearer token or a live session, and only `/api/health` and `/signin` are open
 * (lib/auth/gate.ts has the rule; tests/integration/gate.test.ts walks every route against it). Route handlers
 * still check the token and its scope themselves (`authorize`), and server actions check the session's role.
 */
export async function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  const access = accessFor(pathname);
  if (access === "public") {
    if (pathname === SIGN_IN_PATH && (await sessionFromToken(request.cookies.get(SESSION_COOKIE)?.value))) {
      return NextResponse.redirect(new URL("/", request.url));
    }
    return NextResponse.next();
  }
  if (access === "api") {
    if (request.headers.has("authorization")) return NextResponse.next();
    if (await sessionFromToken(request.cookies.get(SESSION_COOKIE)?.value)) return NextResponse.next();
    return NextResponse.json(
      { error: { code: "unauthorized", message: "Send an API key as `Authorization: Bearer <token>`, or sign in to the dashboard." } },
      { status: 401, headers: { "www-authenticate": 'Bearer realm="driftwatch"' } },
    );
  }
  if (await sessionFromToken(request.cookies.get(SESSION_COOKIE)?.value)) return NextResponse.next();
  const target = new URL(SIGN_IN_PATH, request.url);
  if (pathname !== "/" || search) target.searchParams.set("next", pathname + search);
  const response = NextResponse.redirect(target);
  if (request.cookies.has(SESSION_COOKIE)) response.cookies.delete(SESSION_COOKIE);
  return response;
}

export const config = {
  // Everything but Next's own static files (hashed JS/CSS, optimised images) and the favicon.
  matcher: ["/((?!_next/static|_next/image|favicon\\.ico).*)"],
};
