"use server";
import { revalidatePath } from "next/cache";
import { ZodError } from "zod";
import { createApiKey, createApiKeyRequest, revokeApiKey } from "@/lib/auth/apiKeys";
import { auditAs, requireRole } from "@/lib/auth/current";
import { createUser, updateUser } from "@/lib/auth/users";
import { ApiError, zodIssues } from "@/lib/errors";
import type { ActionResult } from "@/components/alerts/ui";

type Result = ActionResult & { token?: string };

/** Runs an admin change from the Settings page: admin role only, audited, errors returned in words (never thrown). */
async function act(fn: (actor: Awaited<ReturnType<typeof requireRole>>) => Promise<Result>): Promise<Result> {
  try {
    const session = await requireRole("admin");
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
