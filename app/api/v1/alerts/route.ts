import { authorizeRead } from "@/lib/alerts/notify/api";
import { listAlerts } from "@/lib/alerts/evaluate";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/**
 * GET /api/v1/alerts?model=&state=&rule= — read: every alert that has left inactive at least once (one per rule
 * and model), firing first, each with its state history (transitions with their time and value, oldest first).
 */
export const GET = route(async (request) => {
  await authorizeRead(request);
  const p = new URL(request.url).searchParams;
  return Response.json({ alerts: await listAlerts({ model: p.get("model"), state: p.get("state"), rule: p.get("rule") }) });
});
