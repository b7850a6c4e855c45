import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

export type RouteFile = { file: string; kind: "page" | "route"; url: string };

/** Every page.tsx and route.ts under `appDir`, with its URL (route groups dropped, `[param]` filled with "x"). */
export function walkRoutes(appDir: string): RouteFile[] {
  const out: RouteFile[] = [];
  const walk = (dir: string, segments: string[]) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name.startsWith("_")) continue; // private folders are not routes
        walk(full, /^\(.*\)$/.test(entry.name) ? segments : [...segments, entry.name.replace(/^\[+\.*(.+?)\]+$/, "x")]);
      } else if (/^(page|route)\.(t|j)sx?$/.test(entry.name)) {
        out.push({ file: full, kind: entry.name.startsWith("page") ? "page" : "route", url: "/" + segments.join("/") });
      }
    }
  };
  walk(appDir, []);
  return out;
}

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"] as const;
type Handler = (request: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

/**
 * Calls every HTTP handler of every route file with no credentials and returns those that do not refuse with 401
 * in the error contract (`open` lists the URLs allowed to answer anyway).
 */
export async function unguardedHandlers(routes: RouteFile[], open: ReadonlySet<string>): Promise<string[]> {
  const bad: string[] = [];
  for (const r of routes.filter((r) => r.kind === "route" && !open.has(r.url))) {
    const mod = (await import(pathToFileURL(r.file).href)) as Partial<Record<(typeof METHODS)[number], Handler>>;
    for (const method of METHODS) {
      const handler = mod[method];
      if (!handler) continue;
      const body = method === "GET" || method === "HEAD" ? undefined : "{}";
      const request = new Request(`http://localhost${r.url}`, { method, body, headers: body ? { "content-type": "application/json" } : {} });
      const params = new Proxy({}, { get: (_t, k) => (typeof k === "string" ? "x" : undefined) }) as Record<string, string>;
      let status = 0;
      let code: unknown;
      try {
        const res = await handler(request, { params: Promise.resolve(params) });
        status = res.status;
        code = status === 401 ? ((await res.json()) as { error?: { code?: string } }).error?.code : undefined;
      } catch {
        status = -1;
      }
      if (status !== 401 || code !== "unauthorized") bad.push(`${method} ${r.url} → ${status}`);
    }
  }
  return bad;
}
