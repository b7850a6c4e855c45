import { authorizeWrite } from "@/lib/alerts/notify/api";
import { deliveryView } from "@/lib/alerts/notify/channels";
import { sendTest } from "@/lib/alerts/notify";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/**
 * POST /api/v1/channels/{id}/test — admin: sends a test notification now (one attempt) and answers with its
 * delivery: `state` "delivered" or "failed" with `responseCode` and `lastError`. Logged like any delivery.
 */
export const POST = route<{ id: string }>(async (request, { params }) => {
  await authorizeWrite(request);
  return Response.json(deliveryView(await sendTest((await params).id)));
});
