import { authorizeRead, authorizeWrite } from "@/lib/alerts/notify/api";
import { deleteRule, getRule, updateRule } from "@/lib/alerts/rules/store";
import { updateRuleRequest } from "@/lib/alerts/rules/validation";
import { readJsonBody, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** GET /api/v1/alert-rules/{id} — read. */
export const GET = route<{ id: string }>(async (request, { params }) => {
  await authorizeRead(request);
  return Response.json(await getRule((await params).id));
});

/** PATCH /api/v1/alert-rules/{id} — admin: any fields of the create request. */
export const PATCH = route<{ id: string }>(async (request, { params }) => {
  await authorizeWrite(request);
  const patch = updateRuleRequest.parse(await readJsonBody(request));
  return Response.json(await updateRule((await params).id, patch));
});

/** DELETE /api/v1/alert-rules/{id} — admin: 204. */
export const DELETE = route<{ id: string }>(async (request, { params }) => {
  await authorizeWrite(request);
  await deleteRule((await params).id);
  return new Response(null, { status: 204 });
});
