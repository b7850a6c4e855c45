import { authorizeRead, authorizeWrite } from "@/lib/alerts/notify/api";
import { createRule, listRules } from "@/lib/alerts/rules/store";
import { createRuleRequest } from "@/lib/alerts/rules/validation";
import { readJsonBody, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** GET /api/v1/alert-rules?model=<id> — read: every rule, or a model's own rules with the all-models ones. */
export const GET = route(async (request) => {
  await authorizeRead(request);
  const model = new URL(request.url).searchParams.get("model");
  return Response.json({ rules: await listRules(model === null ? {} : { model }) });
});

/**
 * POST /api/v1/alert-rules — admin: `{"name", "model" (null = all models), "metric", "comparison" (">", "<",
 * "increase_pct", "decrease_pct"), "threshold", "window" ("5m"), "for"?, "minSamples"?, "severity"?, "labels"?,
 * "enabled"?}`.
 */
export const POST = route(async (request) => {
  await authorizeWrite(request);
  const input = createRuleRequest.parse(await readJsonBody(request));
  return Response.json(await createRule(input), { status: 201 });
});
