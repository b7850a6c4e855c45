import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { API_ROUTES, apiRouteMethods } from "@/lib/http/apiRoutes";
import { walkRoutes } from "../routeWalk";

const APP = path.resolve(__dirname, "../../app");
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

describe("the API route table (lib/http/apiRoutes.ts) that answers unknown paths and methods", () => {
  it("lists every API route file with exactly the methods it exports", async () => {
    const files = walkRoutes(APP).filter((r) => r.kind === "route" && r.url.startsWith("/api/"));
    const missing: string[] = [];
    for (const r of files) {
      const mod = (await import(pathToFileURL(r.file).href)) as Record<string, unknown>;
      const exported = METHODS.filter((m) => typeof mod[m] === "function" && !(mod[m] as { notAllowed?: true }).notAllowed);
      const line = `{ path: "${path.relative(APP, path.dirname(r.file)).split(path.sep).join("/").replace(/^/, "/")}", methods: ${JSON.stringify(exported)} }`;
      const allowed = apiRouteMethods(r.url);
      const expected = [...exported, ...(exported.includes("GET") ? ["HEAD"] : []), "OPTIONS"];
      if (!allowed || [...allowed].sort().join() !== expected.sort().join()) missing.push(line);
    }
    expect(missing, "add or correct these lines in API_ROUTES").toEqual([]);
    expect(API_ROUTES.length, "API_ROUTES has entries without a route file").toBe(files.length);
  });

  it("matches one segment per parameter and nothing else", () => {
    expect(apiRouteMethods("/api/v1/models/fraud/drift")).toEqual(["GET", "HEAD", "OPTIONS"]);
    expect(apiRouteMethods("/api/v1/models/fraud/drift/")).toEqual(["GET", "HEAD", "OPTIONS"]);
    expect(apiRouteMethods("/api/v1/models/a/b/drift")).toBeNull();
    expect(apiRouteMethods("/api/v1/integrations/grafana-dashboardXjson")).toBeNull();
    expect(apiRouteMethods("/api/v2/models")).toBeNull();
  });
});
