import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { accessFor, PUBLIC_PATHS, safeNext } from "@/lib/auth/gate";
import { config as proxyConfig } from "@/proxy";
import { unguardedHandlers, walkRoutes } from "../routeWalk";

const APP = path.resolve(__dirname, "../../app");
const matcher = new RegExp(`^${proxyConfig.matcher[0].replace("/((?!", "/(?!").replace(").*)", ").*")}$`);

describe("the route walk: nothing the app serves is open by accident", () => {
  const routes = walkRoutes(APP);

  it("finds the app's pages and routes", () => {
    const urls = routes.map((r) => `${r.kind} ${r.url}`);
    expect(urls).toEqual(expect.arrayContaining(["page /", "page /settings", "page /signin", "route /api/health", "route /api/v1/models", "route /metrics"]));
    expect(routes.length).toBeGreaterThan(25);
  });

  it("the proxy runs on every one of them but the three streaming uploads, and only /api/health and /signin are public", () => {
    // These handlers take large bodies, which Next would cut at 10 MB for the proxy; they authenticate by themselves
    // (the next test) and answer their other methods themselves.
    const streamed = new Set(["/api/v1/predictions", "/api/v1/labels", "/api/v1/models/x/reference"]);
    for (const r of routes) {
      expect(matcher.test(r.url), `proxy matcher ${streamed.has(r.url) ? "runs on" : "skips"} ${r.url}`).toBe(!streamed.has(r.url));
      const access = accessFor(r.url, false);
      if (PUBLIC_PATHS.has(r.url)) expect(access).toBe("public");
      else expect(access, `${r.kind} ${r.url}`).toBe(r.kind === "page" ? "page" : "api");
    }
    expect([...PUBLIC_PATHS].sort()).toEqual(["/api/health", "/signin"]);
    expect(accessFor("/metrics", true)).toBe("public");
    expect(accessFor("/metrics", false)).toBe("api");
    expect(matcher.test("/_next/static/chunks/app.js")).toBe(false);
    // a path that is not a model id (bad percent-encoding) still meets the proxy, which answers it in the contract
    expect(matcher.test("/api/v1/models/%FF/reference")).toBe(true);
    expect(matcher.test("/api/v1/predictions/extra")).toBe(true);
  });

  it("every route handler itself refuses a request without credentials (401, error contract)", async () => {
    const prev = process.env.METRICS_PUBLIC;
    delete process.env.METRICS_PUBLIC;
    try {
      expect(await unguardedHandlers(routes, new Set(["/api/health"]))).toEqual([]);
    } finally {
      if (prev !== undefined) process.env.METRICS_PUBLIC = prev;
    }
  });
});

describe("a route added without a guard is caught", () => {
  const dir = path.resolve(__dirname, `../.routewalk-${process.pid}`);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("fails the walk, and would be behind the proxy anyway", async () => {
    const file = path.join(dir, "api", "v1", "[model]", "export", "route.ts");
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, 'export const GET = async () => Response.json({ secrets: true });\nexport const POST = async () => new Response(null, { status: 204 });\n');
    const guarded = path.join(dir, "api", "v1", "guarded", "route.ts");
    fs.mkdirSync(path.dirname(guarded), { recursive: true });
    fs.writeFileSync(
      guarded,
      `import { authorize } from "${path.resolve(__dirname, "../../lib/auth/authorize")}";\nimport { route } from "${path.resolve(__dirname, "../../lib/http/route")}";\nexport const GET = route(async (request) => { await authorize(request, "read"); return Response.json({}); });\n`,
    );
    const walked = walkRoutes(dir);
    expect(walked.map((r) => r.url).sort()).toEqual(["/api/v1/guarded", "/api/v1/x/export"]);
    expect(await unguardedHandlers(walked, new Set())).toEqual(["GET /api/v1/x/export → 200", "POST /api/v1/x/export → 204"]);
    expect(accessFor("/api/v1/x/export", false)).toBe("api");
  });
});

describe("where sign-in sends you next", () => {
  it("only to a path on this site", () => {
    expect(safeNext("/models/a?range=24h")).toBe("/models/a?range=24h");
    for (const bad of ["//evil.example", "https://evil.example", "/\\evil.example", "", null, "/signin?next=/x"]) expect(safeNext(bad)).toBe("/");
  });
});
