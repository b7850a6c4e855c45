import { authorizeRead, authorizeWrite } from "@/lib/alerts/notify/api";
import { expireSilence, getSilence } from "@/lib/alerts/notify/silences";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** GET /api/v1/silences/{id} — read. */
export const GET = route<{ id: string }>(async (request, { params }) => {
  await authorizeRead(request);
  return Response.json(await getSilence((await params).id));
});

/** DELETE /api/v1/silences/{id} — admin: expires the silence now (it stays listed as expired). */
export const DELETE = route<{ id: string }>(async (request, { params }) => {
  await authorizeWrite(request);
  return Response.json(await expireSilence((await params).id));
});
