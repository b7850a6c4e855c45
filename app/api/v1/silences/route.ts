import { authorizeRead, authorizeWrite } from "@/lib/alerts/notify/api";
import { createSilence, listSilences, type SilenceState } from "@/lib/alerts/notify/silences";
import { createSilenceRequest } from "@/lib/alerts/notify/validation";
import { ApiError } from "@/lib/errors";
import { readJsonBody, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

const STATES = ["active", "pending", "expired"];

/** GET /api/v1/silences?state=active|pending|expired — read: silences, newest first (expired ones for a week). */
export const GET = route(async (request) => {
  await authorizeRead(request);
  const state = new URL(request.url).searchParams.get("state");
  if (state !== null && !STATES.includes(state)) {
    throw new ApiError(400, "bad_request", `state must be one of ${STATES.join(", ")}.`);
  }
  return Response.json({ silences: await listSilences((state ?? undefined) as SilenceState | undefined) });
});

/**
 * POST /api/v1/silences — admin: `{"matchers": [{"name", "op": "="|"!="|"=~"|"!~", "value"}], "startsAt"?, "endsAt",
 * "createdBy"?, "comment"?}`. Alerts whose labels match every matcher are not notified while it is active.
 */
export const POST = route(async (request) => {
  await authorizeWrite(request);
  const input = createSilenceRequest.parse(await readJsonBody(request));
  return Response.json(await createSilence(input), { status: 201 });
});
