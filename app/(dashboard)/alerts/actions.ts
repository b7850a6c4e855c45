"use server";
import { revalidatePath } from "next/cache";
import { ZodError } from "zod";
import { createChannel, deleteChannel, updateChannel } from "@/lib/alerts/notify/channels";
import { acknowledgeAlert, sendTest, unacknowledgeAlert } from "@/lib/alerts/notify";
import { createSilence, expireSilence } from "@/lib/alerts/notify/silences";
import { createChannelRequest, createSilenceRequest } from "@/lib/alerts/notify/validation";
import { ApiError, zodIssues } from "@/lib/errors";
import type { ActionResult } from "@/components/alerts/ui";
import { auditAs } from "@/lib/auth/current";
import { requireEditor } from "./gate";
import { createRule, deleteRule, updateRule } from "@/lib/alerts/rules/store";
import { createRuleRequest, updateRuleRequest } from "@/lib/alerts/rules/validation";
import { parsePreviewRequest } from "@/lib/alerts/rules/previewRequest";
import { previewRule } from "@/lib/alerts/evaluate/preview";
import type { PreviewAnswer } from "@/components/alerts/RuleEditor";
import { requireRole } from "@/lib/auth/current";

const isIssues = (d: unknown): d is { path: string; message: string }[] =>
  Array.isArray(d) && d.every((x) => typeof x === "object" && x !== null && typeof x.path === "string" && typeof x.message === "string");

/**
 * Runs a change for the page: only for a signed-in editor, recorded in the audit log as `action`; errors come
 * back in the API's words, never thrown.
 */
async function act(action: string, target: string | null, fn: (session: Awaited<ReturnType<typeof requireEditor>>) => Promise<string | void>): Promise<ActionResult> {
  try {
    const session = await requireEditor();
    const message = await fn(session);
    await auditAs(session, action, target);
    revalidatePath("/alerts");
    return { ok: true, message: message || undefined };
  } catch (err) {
    if (err instanceof ZodError) return { ok: false, message: "Some fields are not valid.", errors: zodIssues(err) };
    if (err instanceof ApiError) return { ok: false, message: err.message, ...(isIssues(err.details) ? { errors: err.details } : {}) };
    console.error("[driftwatch] alerts page action failed:", err);
    return { ok: false, message: "Something went wrong; it was logged on the server." };
  }
}

export async function createChannelAction(input: unknown) {
  return act("channel.create", null, async () => {
    const c = await createChannel(createChannelRequest.parse(input));
    return `Channel ${c.name} added.`;
  });
}

export async function setChannelEnabledAction(id: string, enabled: boolean) {
  return act(enabled ? "channel.enable" : "channel.disable", String(id), async () => {
    await updateChannel(String(id), { enabled: Boolean(enabled) });
  });
}

export async function deleteChannelAction(id: string) {
  return act("channel.delete", String(id), async () => {
    if (!(await deleteChannel(String(id)))) throw new ApiError(404, "not_found", "That channel no longer exists.");
    return "Channel deleted.";
  });
}

export async function testChannelAction(id: string) {
  return act("channel.test", String(id), async () => {
    const d = await sendTest(String(id));
    if (d.state !== "delivered") throw new ApiError(502, "delivery_failed", `Test failed: ${d.lastError ?? "no answer"}`);
    return `Test delivered (HTTP ${d.responseCode}).`;
  });
}

export async function createSilenceAction(input: unknown) {
  return act("silence.create", null, async (session) => {
    const silence = createSilenceRequest.parse(input);
    await createSilence({ ...silence, createdBy: silence.createdBy || session.user.email });
    return "Silence created.";
  });
}

export async function expireSilenceAction(id: string) {
  return act("silence.expire", String(id), async () => {
    await expireSilence(String(id));
    return "Silence expired.";
  });
}

export async function acknowledgeAlertAction(id: string) {
  return act("alert.acknowledge", String(id), async (session) => {
    const a = await acknowledgeAlert(String(id), { ackedBy: session.user.email });
    return `Acknowledged ${a.alertname} on ${a.model}.`;
  });
}

export async function unacknowledgeAlertAction(id: string) {
  return act("alert.unacknowledge", String(id), async () => {
    const a = await unacknowledgeAlert(String(id));
    return `Acknowledgement of ${a.alertname} on ${a.model} removed.`;
  });
}

/** Creates a rule from the editor: the body of POST /api/v1/alert-rules, validated by the same schema. */
export async function createRuleAction(input: unknown) {
  return act("alert_rule.create", null, async () => {
    const r = await createRule(createRuleRequest.parse(input));
    return `Rule ${r.name} created.`;
  });
}

/** Saves the editor's fields over a rule: PATCH /api/v1/alert-rules/{id}'s schema and checks. */
export async function updateRuleAction(id: string, input: unknown) {
  return act("alert_rule.update", String(id), async () => {
    const r = await updateRule(String(id), updateRuleRequest.parse(input));
    return `Rule ${r.name} saved.`;
  });
}

export async function setRuleEnabledAction(id: string, enabled: boolean) {
  return act(enabled ? "alert_rule.enable" : "alert_rule.disable", String(id), async () => {
    const r = await updateRule(String(id), { enabled: Boolean(enabled) });
    return `Rule ${r.name} ${r.enabled ? "enabled" : "disabled"}.`;
  });
}

export async function deleteRuleAction(id: string) {
  return act("alert_rule.delete", String(id), async () => {
    await deleteRule(String(id));
    return "Rule deleted.";
  });
}

/**
 * The editor's backtest: POST /api/v1/alert-rules/preview's parse and previewRule for a draft rule (reading, so
 * any signed-in role; nothing is stored or audited).
 */
export async function previewRuleAction(input: unknown): Promise<PreviewAnswer> {
  try {
    await requireRole("viewer");
    const { rule, days } = parsePreviewRequest(input);
    return { ok: true, preview: await previewRule(rule, days) };
  } catch (err) {
    if (err instanceof ApiError) return { ok: false, message: err.message, ...(isIssues(err.details) ? { errors: err.details } : {}) };
    console.error("[driftwatch] alert rule preview failed:", err);
    return { ok: false, message: "Something went wrong; it was logged on the server." };
  }
}
