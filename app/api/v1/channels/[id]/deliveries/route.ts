import { authorizeRead } from "@/lib/alerts/notify/api";
import { listDeliveries } from "@/lib/alerts/notify/channels";
import { ApiError } from "@/lib/errors";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** GET /api/v1/channels/{id}/deliveries?limit=50 — read: the channel's delivery log, newest first. */
export const GET = route<{ id: string }>(async (request, { params }) => {
  await authorizeRead(request);
  const raw = new URL(request.url).searchParams.get("limit");
  const limit = raw === null ? 50 : Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
    throw new ApiError(400, "bad_request", "limit must be an integer from 1 to 500.");
  }
  return Response.json({ deliveries: await listDeliveries((await params).id, limit) });
});
