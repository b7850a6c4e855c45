import { z } from "zod";
import { authorizeWrite } from "@/lib/alerts/notify/api";
import { evaluateOnce } from "@/lib/alerts/evaluate";
import { timestamp } from "@/lib/domain/time";
import { readJsonBody, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

const body = z.strictObject({ now: timestamp.optional() });

/** How long an on-demand cycle waits for one another process is running. */
const WAIT_MS = 30_000;

/**
 * POST /api/v1/alerts/evaluate — admin: runs an evaluation cycle now (body optional; `{"now": <RFC 3339 or epoch
 * ms>}` evaluates as of that time, for tests and replays). Answers the cycle: `ran` (false with `skipped` "busy"
 * when another process kept the lease for 30 s, "done" when that exact time was the last cycle evaluated),
 * `evaluated`, `firing`, `transitions`, `notified`, `ms`.
 */
export const POST = route(async (request) => {
  await authorizeWrite(request);
  const { now } = body.parse((await readJsonBody(request, undefined, { optional: true })) ?? {});
  return Response.json(await evaluateOnce(now ?? new Date(), { wait: WAIT_MS }));
});
