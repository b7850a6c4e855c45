import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { POST as createKeyRoute } from "@/app/api/v1/api-keys/route";
import { GET as auditRoute } from "@/app/api/v1/audit/route";
import { GET as listModelsRoute } from "@/app/api/v1/models/route";
import { PATCH as patchUserRoute } from "@/app/api/v1/users/[id]/route";
import { POST as createUserRoute } from "@/app/api/v1/users/route";
import { createApiKey } from "@/lib/auth/apiKeys";
import { apiKeyLookups, authorize, clearAuthCache } from "@/lib/auth/authorize";
import { ensureFirstAdmin } from "@/lib/auth/bootstrap";
import { hashPassword, needsRehash, verifyPassword } from "@/lib/auth/passwords";
import { createSession, sessionFromToken, SESSION_COOKIE } from "@/lib/auth/sessions";
import { checkPassword, createUser, FREE_ATTEMPTS, lockDelayMs, updateUser } from "@/lib/auth/users";
import { getDb } from "@/lib/db/client";
import { call } from "../helpers";

const unique = (p: string) => `${p}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@test.example`;
const PW = "correct horse battery";

/** A request carrying a session cookie, as the browser sends it. */
function browserRequest(token: string, opts: { method?: string; origin?: string | null; body?: unknown; path?: string } = {}) {
  const headers = new Headers({ cookie: `theme=dark; ${SESSION_COOKIE}=${token}`, host: "localhost" });
  if (opts.origin !== null) headers.set("origin", opts.origin ?? "http://localhost");
  if (opts.body !== undefined) headers.set("content-type", "application/json");
  return new Request(`http://localhost${opts.path ?? "/api/v1/models"}`, {
    method: opts.method ?? "GET",
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
}
const ctx = <P extends Record<string, string>>(params: P) => ({ params: Promise.resolve(params) });

describe("passwords", () => {
  it("scrypt with the parameters stored in the hash; a wrong password or a tampered hash fails", async () => {
    const h = await hashPassword(PW);
    expect(h).toMatch(/^scrypt\$17\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(await hashPassword(PW)).not.toBe(h); // salted
    expect(await verifyPassword(PW, h)).toBe(true);
    expect(await verifyPassword(PW + " ", h)).toBe(false);
    expect(await verifyPassword(PW, h.replace("scrypt$17", "scrypt$30"))).toBe(false);
    expect(needsRehash(h)).toBe(false);
    expect(needsRehash(h.replace("scrypt$17", "scrypt$14"))).toBe(true);
  });
});

describe("sign-in with lockout", () => {
  it("after five failures each further one locks for a doubling delay, and the right password waits too", async () => {
    expect([4, 5, 6, 7, 20].map(lockDelayMs)).toEqual([0, 30_000, 60_000, 120_000, 900_000]);
    const email = unique("lock");
    await createUser({ email, role: "viewer", password: PW });
    for (let i = 1; i < FREE_ATTEMPTS; i++) expect(await checkPassword(email, "wrong")).toEqual({ ok: false, reason: "invalid" });
    expect(await checkPassword(email, "wrong")).toEqual({ ok: false, reason: "locked", retryAfterSeconds: 30 });
    expect(await checkPassword(email, PW)).toMatchObject({ ok: false, reason: "locked" });
    // Once the lock has passed, the right password works and resets the count.
    await getDb().user.update({ where: { email }, data: { lockedUntil: new Date(Date.now() - 1) } });
    expect(await checkPassword(email.toUpperCase(), PW)).toMatchObject({ ok: true, user: { email } });
    expect((await getDb().user.findUnique({ where: { email } }))!.failedAttempts).toBe(0);
  });

  it("an unknown email and a disabled user are refused alike", async () => {
    expect(await checkPassword(unique("nobody"), PW)).toEqual({ ok: false, reason: "invalid" });
    const u = await createUser({ email: unique("off"), role: "viewer", password: PW });
    await updateUser(u.id, { disabled: true });
    expect(await checkPassword(u.email, PW)).toEqual({ ok: false, reason: "invalid" });
  });
});

describe("sessions on the API", () => {
  let viewer: { id: string; token: string };
  let admin: { id: string; token: string };
  beforeAll(async () => {
    const v = await createUser({ email: unique("viewer"), role: "viewer", password: PW });
    const a = await createUser({ email: unique("admin"), role: "admin", password: PW });
    viewer = { id: v.id, token: (await createSession(v.id)).token };
    admin = { id: a.id, token: (await createSession(a.id)).token };
  });

  it("a session reads like a key of its role's scopes; a viewer's admin call is 403", async () => {
    const ok = await listModelsRoute(browserRequest(viewer.token), ctx({}));
    expect(ok.status).toBe(200);
    const res = await createKeyRoute(browserRequest(viewer.token, { method: "POST", body: { name: "x", scopes: ["admin"] }, path: "/api/v1/api-keys" }), ctx({}));
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe("forbidden");
    await expect(authorize(browserRequest(viewer.token), "ingest")).rejects.toMatchObject({ status: 403 });
  });

  it("a cookie-authenticated change from another origin, or with no origin at all, is refused (CSRF)", async () => {
    const body = { name: "csrf", scopes: ["read"] };
    for (const origin of ["https://evil.example", "null", null]) {
      const res = await createKeyRoute(browserRequest(admin.token, { method: "POST", body, path: "/api/v1/api-keys", origin }), ctx({}));
      expect(res.status, String(origin)).toBe(403);
      expect((await res.json()).error.code).toBe("cross_origin");
    }
    const same = await createKeyRoute(browserRequest(admin.token, { method: "POST", body, path: "/api/v1/api-keys" }), ctx({}));
    expect(same.status).toBe(201);
    expect((await same.json()).createdBy).toMatch(/^user:admin-/);
  });

  it("an expired session, a disabled user's session and a made-up token are not sessions", async () => {
    const u = await createUser({ email: unique("gone"), role: "editor", password: PW });
    const s = await createSession(u.id);
    expect(await sessionFromToken(s.token)).toMatchObject({ user: { role: "editor" } });
    await updateUser(u.id, { disabled: true });
    expect(await sessionFromToken(s.token)).toBeNull(); // disabling ends the sessions
    const u2 = await createUser({ email: unique("old"), role: "viewer", password: PW });
    const s2 = await createSession(u2.id);
    await getDb().session.updateMany({ where: { userId: u2.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await sessionFromToken(s2.token)).toBeNull();
    expect(await sessionFromToken("A".repeat(43))).toBeNull();
    expect(await sessionFromToken("'; DROP TABLE users; --")).toBeNull();
    const res = await listModelsRoute(browserRequest(s2.token), ctx({}));
    expect(res.status).toBe(401);
  });

  it("a new password ends the user's other sessions; the admin setting their own keeps the current one", async () => {
    const u = await createUser({ email: unique("pw"), role: "admin", password: PW });
    const [a, b] = [await createSession(u.id), await createSession(u.id)];
    const current = (await sessionFromToken(a.token))!.sessionId;
    await updateUser(u.id, { password: "another long password" }, current);
    expect(await sessionFromToken(a.token)).not.toBeNull();
    expect(await sessionFromToken(b.token)).toBeNull();
    await updateUser(u.id, { password: "a third long password" });
    expect(await sessionFromToken(a.token)).toBeNull();
    expect(await checkPassword(u.email, "a third long password")).toMatchObject({ ok: true });
  });

  it("the last enabled admin cannot be demoted or disabled", async () => {
    const admins = await getDb().user.findMany({ where: { role: "admin", disabledAt: null } });
    for (const a of admins.filter((a) => a.id !== admin.id)) await updateUser(a.id, { role: "editor" });
    await expect(updateUser(admin.id, { role: "viewer" })).rejects.toMatchObject({ status: 409, code: "last_admin" });
    const res = await patchUserRoute(browserRequest(admin.token, { method: "PATCH", body: { disabled: true }, path: `/api/v1/users/${admin.id}` }), ctx({ id: admin.id }));
    expect(res.status).toBe(409);
  });
});

describe("API keys with an expiry", () => {
  it("works until it expires, then answers 401", async () => {
    const key = await createApiKey({ name: "short", scopes: ["read"], expiresAt: new Date(Date.now() + 60_000).toISOString() });
    expect((await call(listModelsRoute, { token: key.token })).status).toBe(200);
    await getDb().apiKey.update({ where: { id: key.id }, data: { expiresAt: new Date(Date.now() - 1) } });
    clearAuthCache();
    expect((await call(listModelsRoute, { token: key.token })).status).toBe(401);
    const past = await call(createKeyRoute, { method: "POST", path: "/api/v1/api-keys", body: { name: "p", scopes: ["read"], expiresAt: "2001-01-01T00:00:00Z" } });
    expect(past.status).toBe(422);
  });
});

describe("bad bearer tokens", () => {
  it("a repeated unknown, wrong-secret or revoked token is refused without reading api_keys again", async () => {
    const key = await createApiKey({ name: "soon-revoked", scopes: ["read"] });
    const wrongSecret = `${key.token.slice(0, -4)}${key.token.endsWith("AAAA") ? "BBBB" : "AAAA"}`;
    const unknown = `dw_${"z".repeat(8)}_${"y".repeat(32)}`;
    for (const token of [unknown, wrongSecret]) {
      const before = apiKeyLookups.count;
      for (let i = 0; i < 20; i++) expect((await call(listModelsRoute, { token })).status).toBe(401);
      expect(apiKeyLookups.count - before).toBe(1);
    }
    expect((await call(listModelsRoute, { token: key.token })).status).toBe(200);
    await getDb().apiKey.update({ where: { id: key.id }, data: { revokedAt: new Date() } });
    clearAuthCache();
    const before = apiKeyLookups.count;
    for (let i = 0; i < 20; i++) expect((await call(listModelsRoute, { token: key.token })).status).toBe(401);
    expect(apiKeyLookups.count - before).toBe(1);
  });
});

describe("the audit log", () => {
  it("records every change through the API with who made it, and not reads", async () => {
    const email = unique("audited");
    const created = await call(createUserRoute, { method: "POST", path: "/api/v1/users", body: { email, role: "viewer", password: PW } });
    expect(created.status).toBe(201);
    const key = await createApiKey({ name: "auditor", scopes: ["admin"] });
    await call(patchUserRoute, { method: "PATCH", path: `/api/v1/users/${created.body.id}`, body: { role: "editor" }, params: { id: created.body.id }, token: key.token });
    const bad = await call(createUserRoute, { method: "POST", path: "/api/v1/users", body: { email, role: "viewer", password: PW } });
    expect(bad.status).toBe(409);
    const { body } = await call(auditRoute, { path: "/api/v1/audit?limit=5" });
    const actions = body.entries.map((e: { actor: string; action: string }) => `${e.actor} ${e.action}`);
    expect(actions.slice(0, 2)).toEqual([`key:${key.prefix} PATCH /api/v1/users/${created.body.id}`, "admin token POST /api/v1/users"]);
  });
});

describe("the first admin", () => {
  it("is created once, with a generated password written next to the bootstrap token when none is configured", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dw-admin-"));
    const env = { ...process.env };
    process.env.DRIFTWATCH_DATA_DIR = dir;
    process.env.DRIFTWATCH_ADMIN_EMAIL = unique("first");
    delete process.env.DRIFTWATCH_ADMIN_PASSWORD;
    const users = await getDb().user.findMany();
    try {
      expect(await ensureFirstAdmin()).toBeNull(); // there are users already
      await getDb().user.deleteMany();
      const made = await ensureFirstAdmin();
      expect(made?.password).toMatch(/^[A-Za-z0-9]{20}$/);
      expect(fs.readFileSync(made!.file!, "utf8")).toBe(`${made!.email}\n${made!.password}\n`);
      expect(fs.statSync(made!.file!).mode & 0o777).toBe(0o600);
      expect(await checkPassword(made!.email, made!.password!)).toMatchObject({ ok: true, user: { role: "admin" } });
      expect(await ensureFirstAdmin()).toBeNull();
    } finally {
      process.env = env;
      await getDb().user.deleteMany();
      await getDb().user.createMany({ data: users });
    }
  });
});
