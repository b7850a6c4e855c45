import { authorizeRead, authorizeWrite } from "@/lib/alerts/notify/api";
import { deleteChannel, getChannel, updateChannel } from "@/lib/alerts/notify/channels";
import { updateChannelRequest } from "@/lib/alerts/notify/validation";
import { notFound } from "@/lib/errors";
import { readJsonBody, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** GET /api/v1/channels/{id} — read. */
export const GET = route<{ id: string }>(async (request, { params }) => {
  const { reveal } = await authorizeRead(request);
  return Response.json(await getChannel((await params).id, reveal));
});

/** PATCH /api/v1/channels/{id} — admin: any of the create fields; `settings` keys replace those given. */
export const PATCH = route<{ id: string }>(async (request, { params }) => {
  await authorizeWrite(request);
  const input = updateChannelRequest.parse(await readJsonBody(request));
  return Response.json(await updateChannel((await params).id, input));
});

/** DELETE /api/v1/channels/{id} — admin: removes the channel with its queue and delivery log. */
export const DELETE = route<{ id: string }>(async (request, { params }) => {
  await authorizeWrite(request);
  const { id } = await params;
  if (!(await deleteChannel(id))) throw notFound(`No channel '${id}'.`);
  return new Response(null, { status: 204 });
});
