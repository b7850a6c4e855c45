import { z } from "zod";
import { unprocessable, zodIssues } from "../../errors";
import { DEFAULT_PREVIEW_DAYS, MAX_PREVIEW_DAYS } from "../evaluate/preview";
import { createRuleRequest, type CreateRule } from "./validation";

const days = z.number().int().min(1).max(MAX_PREVIEW_DAYS).default(DEFAULT_PREVIEW_DAYS);

/**
 * The body of POST /api/v1/alert-rules/preview (and of the rule editor's Preview): a draft rule, validated as
 * POST /api/v1/alert-rules validates it, plus `days` (default 7, at most 30). Throws 422 with every issue.
 */
export function parsePreviewRequest(body: unknown): { rule: CreateRule; days: number } {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw unprocessable("The body must be a JSON object (a draft rule).");
  const { days: rawDays, ...draft } = body as Record<string, unknown>;
  const d = days.safeParse(rawDays);
  const rule = createRuleRequest.safeParse(draft);
  const issues = [...(d.success ? [] : zodIssues(d.error, ["days"])), ...(rule.success ? [] : zodIssues(rule.error))];
  if (issues.length > 0) throw unprocessable("The rule is not valid.", issues);
  return { rule: rule.data!, days: d.data! };
}
