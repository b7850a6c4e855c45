import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { API_CSP, pageCsp, STATIC_SECURITY_HEADERS } from "@/lib/http/securityHeaders";
import { proxy } from "@/proxy";
import nextConfig from "@/next.config";
import { ADMIN } from "../helpers";

/** The security headers proxy.ts puts on every answer (issue #16); e2e/headers.spec.ts checks them on the server. */

const get = (path: string, headers: Record<string, string> = {}) => proxy(new NextRequest(`http://localhost${path}`, { headers }));

function expectStatic(res: Response) {
  for (const [name, value] of Object.entries(STATIC_SECURITY_HEADERS)) expect(res.headers.get(name), name).toBe(value);
}

const nonceOf = (csp: string | null) => /'nonce-([A-Za-z0-9+/=]+)'/.exec(csp ?? "")?.[1];

describe("security headers from the proxy", () => {
  it("a page gets a CSP with a fresh nonce, also handed to Next.js in the request so its scripts carry it", async () => {
    const a = await get("/signin");
    const b = await get("/signin");
    expectStatic(a);
    const csp = a.headers.get("content-security-policy");
    const nonce = nonceOf(csp);
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/); // 128 random bits
    expect(nonceOf(b.headers.get("content-security-policy"))).not.toBe(nonce);
    expect(csp).toBe(pageCsp(nonce!, false));
    // NextResponse.next({request: {headers}}) forwards the policy to the renderer, which takes the nonce from it
    expect(a.headers.get("x-middleware-request-content-security-policy")).toBe(csp);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'(;|$)/);
    expect(csp).not.toMatch(/script-src[^;]*unsafe-(inline|eval)/); // no inline script runs without the nonce
    expect(csp).toContain("style-src-attr 'unsafe-inline'"); // style attributes only (React, Recharts)
  });

  it("a page without a session is redirected with the headers too", async () => {
    const res = await get("/models/m?range=24h");
    expect(res.status).toBe(307);
    expectStatic(res);
    expect(nonceOf(res.headers.get("content-security-policy"))).toBeTruthy();
  });

  it("the API, /api/health and /metrics get the policy that allows nothing, on answers and refusals alike", async () => {
    for (const [path, headers, status] of [
      ["/api/health", {}, 200],
      ["/api/v1/models", { authorization: `Bearer ${ADMIN}` }, 200],
      ["/api/v1/models", {}, 401],
      ["/api/v1/nope", { authorization: `Bearer ${ADMIN}` }, 404],
      ["/metrics", {}, 401],
    ] as const) {
      const res = await get(path, headers);
      // 200: the proxy lets it through (x-middleware-next); the route's own answer gets these headers merged in
      expect(res.status, path).toBe(status);
      expectStatic(res);
      expect(res.headers.get("content-security-policy"), path).toBe(API_CSP);
      expect(res.headers.get("x-middleware-request-content-security-policy"), path).toBeNull();
    }
  });

  it("next.config sets the fixed ones on every path and the API policy on /api (routes the proxy skips)", async () => {
    const rules = await nextConfig.headers!();
    const all = rules.find((r) => r.source === "/:path*")!;
    expect(Object.fromEntries(all.headers.map((h) => [h.key, h.value]))).toEqual(STATIC_SECURITY_HEADERS);
    expect(rules.find((r) => r.source === "/api/:path*")!.headers).toEqual([{ key: "content-security-policy", value: API_CSP }]);
  });
});
