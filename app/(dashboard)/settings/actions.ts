"use server";
import { revalidatePath } from "next/cache";
import { ZodError } from "zod";
import { createApiKey, createApiKeyRequest, revokeApiKey } from "@/lib/auth/apiKeys";
import { auditAs, requireRole } from "@/lib/auth/current";
import type { Role } from "@/lib/auth/roles";
import { createUser, updateUser } from "@/lib/auth/users";
import { config } from "@/lib/config";
import { modelId } from "@/lib/domain/ids";
import { ApiError, zodIssues } from "@/lib/errors";
import { defineModel } from "@/lib/models/define";
import { modelDefinition } from "@/lib/models/schemas";
import { fromWindowRequest, referenceFromWindow } from "@/lib/models/references/upload";
import { setRetention } from "@/lib/retention/settings";
import type { ActionResult } from "@/components/alerts/ui";

type Result = ActionResult & { token?: string };

/**
 * Runs a change from the Settings page: `role` at least (admin unless said; editors may change what their ingest
 * scope may change through the API: model definitions and references), audited, errors returned in words (never thrown).
 */
async function act(fn: (actor: Awaited<ReturnType<typeof requireRole>>) => Promise<Result>, role: Role = "admin"): Promise<Result> {
  try {
    const session = await requireRole(role);
    const result = await fn(session);
    revalidatePath("/settings");
    return result;
  } catch (err) {
    if (err instanceof ZodError) return { ok: false, message: "Some fields are not valid.", errors: zodIssues(err) };
    if (err instanceof ApiError) return { ok: false, message: err.message };
    console.error("[driftwatch] settings action failed:", err);
    return { ok: false, message: "Something went wrong; it was logged on the server." };
  }
}

export async function createUserAction(input: { email: string; name?: string; role: string; password: string }): Promise<Result> {
  return act(async (s) => {
    const user = await createUser({ email: String(input.email), name: input.name ? String(input.name) : undefined, role: input.role as "viewer", password: String(input.password) });
    await auditAs(s, "user.create", user.email, { role: user.role });
    return { ok: true, message: `${user.email} can now sign in as ${user.role}.` };
  });
}

export async function updateUserAction(id: string, change: { role?: string; disabled?: boolean; password?: string }): Promise<Result> {
  return act(async (s) => {
    if (change.disabled && String(id) === s.user.id) throw new ApiError(409, "conflict", "You cannot disable yourself.");
    const user = await updateUser(String(id), change as { role?: "viewer" }, s.sessionId);
    const what = change.password ? "user.password" : change.disabled !== undefined ? (change.disabled ? "user.disable" : "user.enable") : "user.role";
    await auditAs(s, what, user.email, change.role ? { role: change.role } : undefined);
    const message = change.password
      ? `New password set for ${user.email}${String(id) === s.user.id ? "" : "; their sessions have ended"}.`
      : `${user.email} updated.`;
    return { ok: true, message };
  });
}

export async function createKeyAction(input: { name: string; scopes: string[]; expiresAt?: string }): Promise<Result> {
  return act(async (s) => {
    const parsed = createApiKeyRequest.parse({ name: input.name, scopes: input.scopes, ...(input.expiresAt ? { expiresAt: input.expiresAt } : {}) });
    const key = await createApiKey(parsed, `user:${s.user.email}`);
    await auditAs(s, "api_key.create", key.prefix, { name: key.name, scopes: key.scopes, expiresAt: key.expiresAt });
    return { ok: true, message: `Key ${key.name} created. Copy it now: it is not shown again.`, token: key.token };
  });
}

export async function revokeKeyAction(id: string, prefix: string): Promise<Result> {
  return act(async (s) => {
    if (!(await revokeApiKey(String(id)))) throw new ApiError(404, "not_found", "That key is already revoked.");
    await auditAs(s, "api_key.revoke", String(prefix));
    return { ok: true, message: "Key revoked." };
  });
}

/** Saves a model's definition (the body of PUT /api/v1/models/{model}, validated by the same schema). */
export async function saveModelAction(model: string, definition: unknown): Promise<Result> {
  return act(async (s) => {
    const id = modelId.parse(String(model));
    const def = modelDefinition.parse(definition);
    await defineModel(id, def);
    await auditAs(s, "model.define", id, { definition: def });
    return { ok: true, message: "Definition saved." };
  }, "editor");
}

/** Replaces a model's reference with its own production data in [from, to) (as `{"fromWindow": …}` on the API). */
export async function referenceFromWindowAction(model: string, window: { from: string; to: string }): Promise<Result> {
  return act(async (s) => {
    const id = modelId.parse(String(model));
    const request = fromWindowRequest.parse({ fromWindow: { from: String(window.from), to: String(window.to) } });
    const out = await referenceFromWindow(id, request, config().maxReferenceRows);
    await auditAs(s, "reference.from_window", id, { from: request.fromWindow.from.toISOString(), to: request.fromWindow.to.toISOString(), rows: out.rows });
    const sampled = out.sampledFrom ? ` (an even sample of ${out.sampledFrom.toLocaleString("en-US")})` : "";
    return { ok: true, message: `Reference replaced: ${out.rows.toLocaleString("en-US")} rows from production${sampled}.` };
  }, "editor");
}

/** Sets the install's raw-event retention in days, or null to keep raw events forever. */
export async function setRetentionAction(days: number | null): Promise<Result> {
  return act(async (s) => {
    const set = await setRetention(days === null ? null : Number(days), `user:${s.user.email}`);
    await auditAs(s, "retention.set", null, { days: set.days });
    return { ok: true, message: set.days === null ? "Raw events are kept forever." : `Raw events older than ${set.days} days will be deleted within the hour; rollups stay.` };
  });
}
