import { authorize } from "@/lib/auth/authorize";
import { route } from "@/lib/http/route";
import { dashboardResponse } from "@/lib/metrics/integrations";

export const dynamic = "force-dynamic";

/** GET /api/v1/integrations/grafana-dashboard.json?for=import|provisioning — the Grafana dashboard. */
export const GET = route(async (request) => {
  await authorize(request, "read");
  return dashboardResponse(request);
});
