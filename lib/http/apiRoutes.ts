/**
 * Every API route and the methods it answers, so that an unknown `/api` path (404) or a method a route does not
 * have (405, with `Allow`) is answered in the error contract like every other error, instead of Next's HTML page
 * or empty body. proxy.ts applies it; tests/integration/apiRoutes.test.ts checks it against the route files, so a
 * route added without its line here fails the suite. `[x]` is one path segment.
 */
export const API_ROUTES: readonly { path: string; methods: readonly Method[] }[] = [
  { path: "/api/health", methods: ["GET"] },
  { path: "/api/v1/alert-rules", methods: ["GET", "POST"] },
  { path: "/api/v1/alert-rules/preview", methods: ["POST"] },
  { path: "/api/v1/alert-rules/[id]", methods: ["GET", "PATCH", "DELETE"] },
  { path: "/api/v1/alerts", methods: ["GET"] },
  { path: "/api/v1/alerts/evaluate", methods: ["POST"] },
  { path: "/api/v1/alerts/[id]/acknowledge", methods: ["POST", "DELETE"] },
  { path: "/api/v1/api-keys", methods: ["GET", "POST"] },
  { path: "/api/v1/api-keys/[id]", methods: ["DELETE"] },
  { path: "/api/v1/audit", methods: ["GET"] },
  { path: "/api/v1/channels", methods: ["GET", "POST"] },
  { path: "/api/v1/channels/[id]", methods: ["GET", "PATCH", "DELETE"] },
  { path: "/api/v1/channels/[id]/deliveries", methods: ["GET"] },
  { path: "/api/v1/channels/[id]/test", methods: ["POST"] },
  { path: "/api/v1/integrations/grafana-dashboard.json", methods: ["GET"] },
  { path: "/api/v1/integrations/prometheus-rules.yml", methods: ["GET"] },
  { path: "/api/v1/labels", methods: ["POST"] },
  { path: "/api/v1/models", methods: ["GET"] },
  { path: "/api/v1/models/[model]", methods: ["GET", "PUT", "DELETE"] },
  { path: "/api/v1/models/[model]/drift", methods: ["GET"] },
  { path: "/api/v1/models/[model]/metrics", methods: ["GET"] },
  { path: "/api/v1/models/[model]/quality", methods: ["GET"] },
  { path: "/api/v1/models/[model]/reference", methods: ["PUT"] },
  { path: "/api/v1/models/[model]/slos", methods: ["GET", "PUT"] },
  { path: "/api/v1/predictions", methods: ["POST"] },
  { path: "/api/v1/silences", methods: ["GET", "POST"] },
  { path: "/api/v1/silences/[id]", methods: ["GET", "DELETE"] },
  { path: "/api/v1/users", methods: ["GET", "POST"] },
  { path: "/api/v1/users/[id]", methods: ["PATCH"] },
];

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

const matchers = API_ROUTES.map((r) => ({
  re: new RegExp("^" + r.path.replace(/[.]/g, "\\.").replace(/\[[^\]/]+\]/g, "[^/]+") + "/?$"),
  // Next answers HEAD for a GET route and OPTIONS for every route by itself.
  allowed: [...r.methods, ...(r.methods.includes("GET") ? ["HEAD"] : []), "OPTIONS"],
}));

/** The methods the API route at `pathname` answers, or null when no route is there. */
export function apiRouteMethods(pathname: string): readonly string[] | null {
  return matchers.find((m) => m.re.test(pathname))?.allowed ?? null;
}
