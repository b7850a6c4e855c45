import { z } from "zod";
import { authorizeRead } from "@/lib/alerts/notify/api";
import { DEFAULT_PREVIEW_DAYS, MAX_PREVIEW_DAYS, previewRule } from "@/lib/alerts/evaluate/preview";
import { createRuleRequest } from "@/lib/alerts/rules/validation";
import { unprocessable, zodIssues } from "@/lib/errors";
import { readJsonBody, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

const days = z.number().int().min(1).max(MAX_PREVIEW_DAYS).default(DEFAULT_PREVIEW_DAYS);

/**
 * POST /api/v1/alert-rules/preview — read: a draft rule (the body of POST /api/v1/alert-rules, validated the same
 * way) plus `days` (default 7, at most 30), replayed over the stored rollups of those days with the evaluator's
 * state machine. Answers `firings` [{model, startsAt, endsAt (null: still firing)}], `summary` ("fired 2 times,
 * 3 hours in total"), per model the same, `from`, `to`, `step`. Nothing is stored.
 */
export const POST = route(async (request) => {
  await authorizeRead(request);
  const body = await readJsonBody(request);
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw unprocessable("The body must be a JSON object (a draft rule).");
  const { days: rawDays, ...draft } = body as Record<string, unknown>;
  const d = days.safeParse(rawDays);
  const rule = createRuleRequest.safeParse(draft);
  const issues = [...(d.success ? [] : zodIssues(d.error, ["days"])), ...(rule.success ? [] : zodIssues(rule.error))];
  if (issues.length > 0) throw unprocessable("The rule is not valid.", issues);
  return Response.json(await previewRule(rule.data!, d.data!));
});
