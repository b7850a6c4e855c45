"use server";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { audit } from "@/lib/auth/audit";
import { currentSession, endSession, startSession } from "@/lib/auth/current";
import { safeNext } from "@/lib/auth/gate";
import { checkPassword } from "@/lib/auth/users";

export type SignInState = { error?: string; email?: string };

/** The sign-in form's action: checks the password (with lockout), starts a session, goes where the user was headed. */
export async function signInAction(_prev: SignInState, form: FormData): Promise<SignInState> {
  const email = String(form.get("email") ?? "").trim();
  const password = String(form.get("password") ?? "");
  if (!email || !password) return { error: "Enter your email and password.", email };
  const result = await checkPassword(email, password);
  const ip = (await headers()).get("x-forwarded-for")?.split(",")[0]?.trim() ?? null;
  if (!result.ok) {
    await audit("anonymous", "session.sign_in_failed", email.toLowerCase().slice(0, 254), { reason: result.reason, ...(ip ? { ip } : {}) });
    if (result.reason === "locked") {
      const minutes = Math.ceil(result.retryAfterSeconds / 60);
      return { error: `Too many failed attempts: try again in ${result.retryAfterSeconds < 90 ? `${result.retryAfterSeconds} seconds` : `${minutes} minutes`}.`, email };
    }
    return { error: "That email and password do not match an active account.", email };
  }
  await startSession(result.user.id);
  await audit(`user:${result.user.email}`, "session.sign_in", result.user.email, ip ? { ip } : undefined);
  redirect(safeNext(String(form.get("next") ?? "")));
}

export async function signOutAction(): Promise<void> {
  const session = await currentSession();
  await endSession();
  if (session) await audit(`user:${session.user.email}`, "session.sign_out", session.user.email);
  redirect("/signin");
}
