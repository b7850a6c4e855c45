import "server-only";
import { config } from "../config";
import { unprocessable } from "../errors";
import { DASHBOARD_FLAVOURS, type DashboardFlavour, grafanaDashboard } from "./grafana";
import { alertRulesYaml } from "./rules";

/** GET /api/v1/integrations/grafana-dashboard.json?for=import|provisioning (default import). */
export function dashboardResponse(request: Request): Response {
  const flavour = new URL(request.url).searchParams.get("for") ?? "import";
  if (!(DASHBOARD_FLAVOURS as readonly string[]).includes(flavour)) {
    throw unprocessable("Invalid query.", [{ path: "for", message: "must be import (Grafana's UI import) or provisioning (a provisioned dashboards folder)" }]);
  }
  return Response.json(grafanaDashboard(flavour as DashboardFlavour), {
    headers: { "content-disposition": `inline; filename="driftwatch-dashboard-${flavour}.json"` },
  });
}

/**
 * GET /api/v1/integrations/prometheus-rules.yml: the alerting rules, their runbook links under
 * DRIFTWATCH_PUBLIC_URL (else the address this request came to).
 */
export function rulesResponse(request: Request): Response {
  const base = config().publicUrl ?? new URL(request.url).origin;
  return new Response(alertRulesYaml(base), {
    headers: { "content-type": "application/yaml; charset=utf-8", "content-disposition": 'inline; filename="driftwatch-rules.yml"' },
  });
}
