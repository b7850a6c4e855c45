import { authorize } from "@/lib/auth/authorize";
import { route } from "@/lib/http/route";
import { rulesResponse } from "@/lib/metrics/integrations";

export const dynamic = "force-dynamic";

/** GET /api/v1/integrations/prometheus-rules.yml — Prometheus alerting rules on the /metrics families. */
export const GET = route(async (request) => {
  await authorize(request, "read");
  return rulesResponse(request);
});
