import { authorizeRead } from "@/lib/alerts/notify/api";
import { previewRule } from "@/lib/alerts/evaluate/preview";
import { parsePreviewRequest } from "@/lib/alerts/rules/previewRequest";
import { readJsonBody, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/**
 * POST /api/v1/alert-rules/preview — read: a draft rule (the body of POST /api/v1/alert-rules, validated the same
 * way) plus `days` (default 7, at most 30), replayed over the stored rollups of those days with the evaluator's
 * state machine. Answers `firings` [{model, startsAt, endsAt (null: still firing)}], `summary` ("fired 2 times,
 * 3 hours in total"), per model the same, `from`, `to`, `step`. Nothing is stored. The alerts page's rule editor
 * previews through the same parse and the same previewRule.
 */
export const POST = route(async (request) => {
  await authorizeRead(request);
  const { rule, days } = parsePreviewRequest(await readJsonBody(request));
  return Response.json(await previewRule(rule, days));
});
