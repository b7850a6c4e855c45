import { authorize } from "@/lib/auth/authorize";
import { config } from "@/lib/config";
import { methodNotAllowed, route } from "@/lib/http/route";
import { bodyKind, parseBatch, readBody } from "@/lib/http/body";
import { ingestLabels } from "@/lib/ingest/labels";

export const dynamic = "force-dynamic";

/** POST /api/v1/labels — one label, an array, {"labels": [...]}, or NDJSON. */
export const POST = route(async (request) => {
  await authorize(request, "ingest");
  const kind = bodyKind(request);
  const { maxBodyBytes, maxBatchEvents } = config();
  const items = parseBatch(await readBody(request, maxBodyBytes), kind, "labels", maxBatchEvents);
  const result = await ingestLabels(items);
  const status = result.accepted + result.duplicates === 0 ? 422 : 200;
  return Response.json(result, { status });
});

// The proxy does not see this route (it streams large bodies, proxy.ts), so its other methods answer here.
export const GET = methodNotAllowed(["POST"]);
export const PUT = methodNotAllowed(["POST"]);
export const PATCH = methodNotAllowed(["POST"]);
export const DELETE = methodNotAllowed(["POST"]);
