import { authorizeRead, authorizeWrite } from "@/lib/alerts/notify/api";
import { createChannel, listChannels } from "@/lib/alerts/notify/channels";
import { createChannelRequest } from "@/lib/alerts/notify/validation";
import { readJsonBody, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** GET /api/v1/channels — read: every notification channel with its last delivery (secrets masked unless admin). */
export const GET = route(async (request) => {
  const { reveal } = await authorizeRead(request);
  return Response.json({ channels: await listChannels(reveal) });
});

/** POST /api/v1/channels — admin: `{"name", "type": "webhook"|"slack"|"alertmanager", "url", "enabled"?, "settings"?}`. */
export const POST = route(async (request) => {
  await authorizeWrite(request);
  const input = createChannelRequest.parse(await readJsonBody(request));
  return Response.json(await createChannel(input), { status: 201 });
});
