import crypto from "node:crypto";
import { z } from "zod";
import { ApiError } from "../errors";
import { getDb } from "../db/client";
import { decoyHash, hashPassword, needsRehash, verifyPassword } from "./passwords";
import { ROLES, type Role } from "./roles";
import { deleteUserSessions } from "./sessions";

export const MIN_PASSWORD = 12;
// Any address with one @ (admin@localhost included): it is a sign-in name, no mail is sent to it.
const email = z.string().trim().toLowerCase().max(254).regex(/^[^\s@]+@[^\s@]+$/, "Enter an email address.");
const password = z.string().min(MIN_PASSWORD, `Use at least ${MIN_PASSWORD} characters.`).max(1024);

export const createUserRequest = z.strictObject({
  email,
  name: z.string().trim().max(100).optional(),
  role: z.enum(ROLES),
  password,
});
export const updateUserRequest = z.strictObject({
  role: z.enum(ROLES).optional(),
  disabled: z.boolean().optional(),
  password: password.optional(),
});

export type UserView = {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  disabled: boolean;
  createdAt: string;
  lastSignInAt: string | null;
};
type Row = { id: string; email: string; name: string | null; role: string; disabledAt: Date | null; createdAt: Date; lastSignInAt: Date | null };
const view = (u: Row): UserView => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role as Role,
  disabled: !!u.disabledAt,
  createdAt: u.createdAt.toISOString(),
  lastSignInAt: u.lastSignInAt?.toISOString() ?? null,
});

export async function createUser(input: z.input<typeof createUserRequest>): Promise<UserView> {
  const data = createUserRequest.parse(input);
  if (await getDb().user.findUnique({ where: { email: data.email } })) {
    throw new ApiError(409, "conflict", `A user with the email ${data.email} already exists.`);
  }
  const row = await getDb().user.create({
    data: { id: crypto.randomUUID(), email: data.email, name: data.name || null, role: data.role, passwordHash: await hashPassword(data.password) },
  });
  return view(row);
}

export async function listUsers(): Promise<UserView[]> {
  return (await getDb().user.findMany({ orderBy: { createdAt: "asc" } })).map(view);
}

export async function countUsers(): Promise<number> {
  return getDb().user.count();
}

/**
 * Changes a user's role, enabled state or password. Refuses to leave no enabled admin. Disabling a user or
 * changing their password ends their sessions.
 */
export async function updateUser(id: string, input: z.input<typeof updateUserRequest>, keepSessionId?: string): Promise<UserView> {
  const data = updateUserRequest.parse(input);
  const db = getDb();
  const user = await db.user.findUnique({ where: { id } });
  if (!user) throw new ApiError(404, "not_found", "No such user.");
  const losesAdmin = user.role === "admin" && !user.disabledAt && ((data.role && data.role !== "admin") || data.disabled === true);
  if (losesAdmin) {
    const admins = await db.user.count({ where: { role: "admin", disabledAt: null } });
    if (admins <= 1) throw new ApiError(409, "last_admin", "This is the only enabled admin: make someone else admin first.");
  }
  const row = await db.user.update({
    where: { id },
    data: {
      ...(data.role ? { role: data.role } : {}),
      ...(data.disabled === undefined ? {} : { disabledAt: data.disabled ? (user.disabledAt ?? new Date()) : null }),
      ...(data.password ? { passwordHash: await hashPassword(data.password), failedAttempts: 0, lockedUntil: null } : {}),
    },
  });
  if (data.disabled) await deleteUserSessions(id);
  else if (data.password) await deleteUserSessions(id, keepSessionId);
  return view(row);
}

/** Failures allowed before each further one locks the account for a doubling delay (30 s, 1 min, … 15 min). */
export const FREE_ATTEMPTS = 5;
export const lockDelayMs = (failures: number) =>
  failures < FREE_ATTEMPTS ? 0 : Math.min(30_000 * 2 ** (failures - FREE_ATTEMPTS), 15 * 60_000);

export type SignInResult =
  | { ok: true; user: UserView }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "locked"; retryAfterSeconds: number };

/**
 * Checks an email and password. Unknown emails cost the same scrypt work as known ones. After FREE_ATTEMPTS
 * consecutive failures the account is locked for a growing delay, during which not even the right password is
 * accepted (so guessing stays slow however many requests arrive); a success resets the count.
 */
export async function checkPassword(emailInput: string, passwordInput: string): Promise<SignInResult> {
  const db = getDb();
  const address = String(emailInput).trim().toLowerCase().slice(0, 254);
  const pw = String(passwordInput).slice(0, 1024);
  const user = await db.user.findUnique({ where: { email: address } });
  if (!user || user.disabledAt) {
    await verifyPassword(pw, await decoyHash());
    return { ok: false, reason: "invalid" };
  }
  const now = Date.now();
  if (user.lockedUntil && user.lockedUntil.getTime() > now) {
    return { ok: false, reason: "locked", retryAfterSeconds: Math.ceil((user.lockedUntil.getTime() - now) / 1000) };
  }
  if (!(await verifyPassword(pw, user.passwordHash))) {
    const updated = await db.user.update({ where: { id: user.id }, data: { failedAttempts: { increment: 1 } } });
    const delay = lockDelayMs(updated.failedAttempts);
    if (delay > 0) {
      await db.user.update({ where: { id: user.id }, data: { lockedUntil: new Date(now + delay) } });
      return { ok: false, reason: "locked", retryAfterSeconds: Math.ceil(delay / 1000) };
    }
    return { ok: false, reason: "invalid" };
  }
  const row = await db.user.update({
    where: { id: user.id },
    data: {
      failedAttempts: 0,
      lockedUntil: null,
      lastSignInAt: new Date(now),
      ...(needsRehash(user.passwordHash) ? { passwordHash: await hashPassword(pw) } : {}),
    },
  });
  return { ok: true, user: view(row) };
}
