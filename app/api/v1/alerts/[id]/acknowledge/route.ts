import { z } from "zod";
import { authorizeWrite } from "@/lib/alerts/notify/api";
import { acknowledgeAlert, unacknowledgeAlert } from "@/lib/alerts/notify";
import { principalOf } from "@/lib/auth/authorize";
import { actorOf } from "@/lib/auth/audit";
import { readJsonBody, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

const body = z.strictObject({ by: z.string().max(200).optional(), comment: z.string().max(2000).optional() });

/**
 * POST /api/v1/alerts/{id}/acknowledge — admin: `{"by"?, "comment"?}` (body optional; `by` defaults to the caller).
 * Acknowledges the alert's current incident (its fingerprint and start), as the alerts page's Acknowledge does:
 * reminders of a group whose firing alerts are all acknowledged stop, and GET /api/v1/alerts shows it; the next
 * incident starts unacknowledged. 404 for an unknown alert, 409 when it is not firing.
 */
export const POST = route<{ id: string }>(async (request, { params }) => {
  await authorizeWrite(request);
  const input = body.parse((await readJsonBody(request, undefined, { optional: true })) ?? {});
  const ack = await acknowledgeAlert((await params).id, { ackedBy: input.by ?? actorOf(principalOf(request)), comment: input.comment ?? "" });
  return Response.json(ack);
});

/** DELETE /api/v1/alerts/{id}/acknowledge — admin: takes the acknowledgement back (`removed`: whether there was one). */
export const DELETE = route<{ id: string }>(async (request, { params }) => {
  await authorizeWrite(request);
  return Response.json(await unacknowledgeAlert((await params).id));
});
