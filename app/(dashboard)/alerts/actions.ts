"use server";
import { revalidatePath } from "next/cache";
import { ZodError } from "zod";
import { createChannel, deleteChannel, updateChannel } from "@/lib/alerts/notify/channels";
import { sendTest } from "@/lib/alerts/notify";
import { createSilence, expireSilence } from "@/lib/alerts/notify/silences";
import { createChannelRequest, createSilenceRequest } from "@/lib/alerts/notify/validation";
import { ApiError, zodIssues } from "@/lib/errors";
import type { ActionResult } from "@/components/alerts/ui";
import { auditAs } from "@/lib/auth/current";
import { requireEditor } from "./gate";

/**
 * Runs a change for the page: only for a signed-in editor, recorded in the audit log as `action`; errors come
 * back in the API's words, never thrown.
 */
async function act(action: string, target: string | null, fn: () => Promise<string | void>): Promise<ActionResult> {
  try {
    const session = await requireEditor();
    const message = await fn();
    await auditAs(session, action, target);
    revalidatePath("/alerts");
    return { ok: true, message: message || undefined };
  } catch (err) {
    if (err instanceof ZodError) return { ok: false, message: "Some fields are not valid.", errors: zodIssues(err) };
    if (err instanceof ApiError) return { ok: false, message: err.message };
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
  return act("silence.create", null, async () => {
    await createSilence(createSilenceRequest.parse(input));
    return "Silence created.";
  });
}

export async function expireSilenceAction(id: string) {
  return act("silence.expire", String(id), async () => {
    await expireSilence(String(id));
    return "Silence expired.";
  });
}
