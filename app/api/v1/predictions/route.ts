import { authorize } from "@/lib/auth/authorize";
import { config } from "@/lib/config";
import { methodNotAllowed, route } from "@/lib/http/route";
import { bodyKind, readBody } from "@/lib/http/body";
import { answerPredictions } from "@/lib/ingest/predictions";
import { ingestThreads } from "@/lib/ingest/threads/pool";

export const dynamic = "force-dynamic";

/**
 * POST /api/v1/predictions — one event, an array, {"events": [...]}, or NDJSON. Stored on one of the server's ingest
 * threads when it runs them (PostgreSQL; lib/ingest/threads/pool.ts), else here; the answer is the same.
 */
export const POST = route(async (request) => {
  await authorize(request, "ingest");
  const kind = bodyKind(request);
  const body = await readBody(request, config().maxBodyBytes);
  const threads = ingestThreads();
  if (!threads || threads.size === 0) return answerPredictions(body, kind);
  const answer = await threads.predictions(body, kind);
  return new Response(answer.body, { status: answer.status, headers: answer.headers });
});

// The proxy does not see this route (it streams large bodies, proxy.ts), so its other methods answer here.
export const GET = methodNotAllowed(["POST"]);
export const PUT = methodNotAllowed(["POST"]);
export const PATCH = methodNotAllowed(["POST"]);
export const DELETE = methodNotAllowed(["POST"]);
