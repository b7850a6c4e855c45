import { authorize } from "@/lib/auth/authorize";
import { config } from "@/lib/config";
import { methodNotAllowed, route } from "@/lib/http/route";
import { bodyKind, parseBatch, readBody } from "@/lib/http/body";
import { ingestPredictions } from "@/lib/ingest/predictions";

export const dynamic = "force-dynamic";

/** POST /api/v1/predictions — one event, an array, {"events": [...]}, or NDJSON. */
export const POST = route(async (request) => {
  await authorize(request, "ingest");
  const kind = bodyKind(request);
  const { maxBodyBytes, maxBatchEvents } = config();
  const items = parseBatch(await readBody(request, maxBodyBytes), kind, "events", maxBatchEvents);
  const result = await ingestPredictions(items);
  // Nothing valid at all is a client error; otherwise the valid part was stored and the rest is reported.
  const status = result.accepted + result.duplicates === 0 ? 422 : 200;
  return Response.json(result, { status });
});

// The proxy does not see this route (it streams large bodies, proxy.ts), so its other methods answer here.
export const GET = methodNotAllowed(["POST"]);
export const PUT = methodNotAllowed(["POST"]);
export const PATCH = methodNotAllowed(["POST"]);
export const DELETE = methodNotAllowed(["POST"]);
