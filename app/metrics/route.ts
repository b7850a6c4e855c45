import { authorize } from "@/lib/auth/authorize";
import { config } from "@/lib/config";
import { route } from "@/lib/http/route";
import { metricsResponse } from "@/lib/metrics/respond";

export const dynamic = "force-dynamic";

/** GET /metrics — Prometheus text 0.0.4 or OpenMetrics 1.0 (Accept, or ?format=); a `read` token unless METRICS_PUBLIC=true. */
export const GET = route(async (request) => {
  if (!config().metricsPublic) await authorize(request, "read");
  return metricsResponse(request);
});
