import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { GET as listChannelsRoute, POST as createChannelRoute } from "@/app/api/v1/channels/route";
import { DELETE as deleteChannelRoute, GET as getChannelRoute, PATCH as patchChannelRoute } from "@/app/api/v1/channels/[id]/route";
import { POST as testChannelRoute } from "@/app/api/v1/channels/[id]/test/route";
import { GET as deliveriesRoute } from "@/app/api/v1/channels/[id]/deliveries/route";
import { GET as listSilencesRoute, POST as createSilenceRoute } from "@/app/api/v1/silences/route";
import { DELETE as expireSilenceRoute } from "@/app/api/v1/silences/[id]/route";
import { POST as createKeyRoute } from "@/app/api/v1/api-keys/route";
import { acknowledge, acksFor, ackKey, notify, processDeliveries, unacknowledge, type NotifyAlert } from "@/lib/alerts/notify";
import { pruneDeliveryLog } from "@/lib/alerts/notify/deliver";
import { getDb } from "@/lib/db/client";
import { call } from "../helpers";
import { closedPort, startReceiver } from "../receiver";

type Receiver = Awaited<ReturnType<typeof startReceiver>>;
const receivers: Receiver[] = [];
async function receiver(...args: Parameters<typeof startReceiver>) {
  const r = await startReceiver(...args);
  receivers.push(r);
  return r;
}

async function createChannel(body: Record<string, unknown>) {
  const res = await call(createChannelRoute, { method: "POST", path: "/api/v1/channels", body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; name: string };
}

const deliveries = async (id: string) =>
  (await call(deliveriesRoute, { path: `/api/v1/channels/${id}/deliveries`, params: { id } })).body.deliveries as Array<{
    state: string;
    attempts: number;
    lastError: string | null;
    responseCode: number | null;
    status: string;
    alertCount: number;
    kind: string;
    nextAttemptAt: string | null;
  }>;

const T0 = new Date("2026-12-05T08:00:00.000Z");

function alert(over: Partial<NotifyAlert> & { labels?: Record<string, string> } = {}): NotifyAlert {
  const labels = { alertname: "HighErrorRate", model_name: "fraud", severity: "critical", ...(over.labels ?? {}) };
  return {
    annotations: { summary: "Error rate above 1%", description: "5xx share over 5m" },
    status: "firing",
    startsAt: T0,
    endsAt: null,
    generatorURL: "http://driftwatch.test/models/fraud",
    fingerprint: `fp-${Object.values(labels).join("-")}`,
    ...over,
    labels,
  };
}

beforeEach(async () => {
  process.env.DRIFTWATCH_PUBLIC_URL = "http://driftwatch.test";
  const db = getDb();
  await db.notificationChannel.deleteMany({});
  await db.silence.deleteMany({});
  await db.alertAck.deleteMany({});
});

afterEach(async () => {
  while (receivers.length) await receivers.pop()!.close();
  delete process.env.DRIFTWATCH_NOTIFY_MAX_ATTEMPTS;
});

describe("channels API", () => {
  it("creates, reads, updates and deletes a channel; validates; hides secrets from readers", async () => {
    const created = await createChannel({
      name: "ops hook",
      type: "webhook",
      url: "https://hooks.example.com/services/T1/B2/secret",
      settings: { headers: { Authorization: "Bearer s3cret" }, matchers: [{ name: "severity", op: "=~", value: "critical|warning" }] },
    });
    expect(created).toMatchObject({ name: "ops hook", type: "webhook", enabled: true });
    const id = created.id;
    const got = await call(getChannelRoute, { params: { id } });
    expect(got.body.settings).toMatchObject({ groupBy: ["model_name", "alertname"], sendResolved: true, headers: { Authorization: "Bearer s3cret" } });

    const patched = await call(patchChannelRoute, { method: "PATCH", params: { id }, body: { enabled: false, settings: { sendResolved: false } } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ enabled: false, settings: { sendResolved: false, headers: { Authorization: "Bearer s3cret" } } });

    // Validation: each bad field named.
    const bad = await call(createChannelRoute, {
      method: "POST",
      body: { name: "", type: "pager", url: "ftp://x", settings: { matchers: [{ name: "a", op: "=~", value: "(" }] } },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe("invalid");
    const paths = bad.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(["name", "type", "url", "settings.matchers.0.value"]));
    expect((await call(createChannelRoute, { method: "POST", raw: "{", contentType: "application/json" })).status).toBe(400);
    const dup = await call(createChannelRoute, { method: "POST", body: { name: "ops hook", type: "slack", url: "https://x.test/" } });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe("conflict");

    // A read-only key lists channels with the URL and header values masked, and cannot change them.
    const key = await call(createKeyRoute, { method: "POST", body: { name: "reader", scopes: ["read"] } });
    const listed = await call(listChannelsRoute, { token: key.body.token });
    expect(listed.status).toBe(200);
    expect(listed.body.channels[0].url).toBe("https://hooks.example.com/…");
    expect(listed.body.channels[0].settings.headers).toEqual({ Authorization: "…" });
    const denied = await call(createChannelRoute, { method: "POST", token: key.body.token, body: { name: "x", type: "slack", url: "https://x.test/" } });
    expect(denied.status).toBe(403);
    expect((await call(listChannelsRoute, { token: null })).status).toBe(401);

    expect((await call(deleteChannelRoute, { method: "DELETE", params: { id } })).status).toBe(204);
    expect((await call(getChannelRoute, { params: { id } })).status).toBe(404);
    expect((await call(deleteChannelRoute, { method: "DELETE", params: { id } })).status).toBe(404);
  });

  it("sends a test notification and logs it, delivered or failed", async () => {
    const hook = await receiver();
    const ok = await createChannel({ name: "test ok", type: "webhook", url: `${hook.url}/hook` });
    const res = await call(testChannelRoute, { method: "POST", params: { id: ok.id } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ state: "delivered", kind: "test", attempts: 1, responseCode: 200 });
    expect(hook.requests).toHaveLength(1);
    expect(hook.requests[0].body).toMatchObject({ status: "firing", alerts: [{ labels: { alertname: "DriftwatchTestNotification" } }] });

    const down = await createChannel({ name: "test down", type: "slack", url: `http://127.0.0.1:${await closedPort()}/x` });
    const failed = await call(testChannelRoute, { method: "POST", params: { id: down.id } });
    expect(failed.body).toMatchObject({ state: "failed", attempts: 1, responseCode: null });
    expect(failed.body.lastError).toMatch(/ECONNREFUSED/);
    expect((await deliveries(down.id))[0]).toMatchObject({ kind: "test", state: "failed" });
    expect((await call(testChannelRoute, { method: "POST", params: { id: "nope" } })).status).toBe(404);
  });
});

describe("webhook channel", () => {
  it("sends Alertmanager's webhook shape, field by field; unchanged groups are not re-sent; resolves are announced", async () => {
    const hook = await receiver();
    await createChannel({ name: "hook", type: "webhook", url: `${hook.url}/alerts`, settings: { headers: { Authorization: "Bearer abc" } } });
    const a = alert({ labels: { feature: "amount" } });
    const b = alert({ labels: { feature: "country" }, annotations: { summary: "Error rate above 1%", description: "other" } });
    const r1 = await notify([a, b], { now: T0 });
    expect(r1).toMatchObject({ queued: 1, delivered: 1, silenced: {} });
    expect(hook.requests).toHaveLength(1);
    const req = hook.requests[0];
    expect(req.method).toBe("POST");
    expect(req.path).toBe("/alerts");
    expect(req.headers["content-type"]).toBe("application/json");
    expect(req.headers.authorization).toBe("Bearer abc");
    const body = req.body as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(
      ["alerts", "commonAnnotations", "commonLabels", "externalURL", "groupKey", "groupLabels", "receiver", "status", "truncatedAlerts", "version"].sort(),
    );
    expect(body.version).toBe("4");
    expect(body.status).toBe("firing");
    expect(body.receiver).toBe("hook");
    expect(body.groupKey).toBe('{}:{alertname="HighErrorRate", model_name="fraud"}');
    expect(body.groupLabels).toEqual({ alertname: "HighErrorRate", model_name: "fraud" });
    expect(body.commonLabels).toEqual({ alertname: "HighErrorRate", model_name: "fraud", severity: "critical" });
    expect(body.commonAnnotations).toEqual({ summary: "Error rate above 1%" });
    expect(body.externalURL).toBe("http://driftwatch.test");
    expect(body.truncatedAlerts).toBe(0);
    expect(body.alerts).toEqual([
      {
        status: "firing",
        labels: a.labels,
        annotations: a.annotations,
        startsAt: "2026-12-05T08:00:00.000Z",
        endsAt: "0001-01-01T00:00:00Z",
        generatorURL: "http://driftwatch.test/models/fraud",
        fingerprint: "fp-HighErrorRate-fraud-critical-amount",
      },
      {
        status: "firing",
        labels: b.labels,
        annotations: b.annotations,
        startsAt: "2026-12-05T08:00:00.000Z",
        endsAt: "0001-01-01T00:00:00Z",
        generatorURL: "http://driftwatch.test/models/fraud",
        fingerprint: "fp-HighErrorRate-fraud-critical-country",
      },
    ]);

    // Still firing, nothing new: no message (until the repeat interval, 4 h by default).
    expect((await notify([a, b], { now: new Date(T0.getTime() + 15_000) })).queued).toBe(0);
    expect(hook.requests).toHaveLength(1);
    await notify([a, b], { now: new Date(T0.getTime() + 4 * 3600_000) });
    expect(hook.requests).toHaveLength(2);

    // One resolves: the message carries it as resolved beside the one still firing.
    const t2 = new Date(T0.getTime() + 5 * 3600_000);
    await notify([a, { ...b, status: "resolved", endsAt: t2 }], { now: t2 });
    expect(hook.requests).toHaveLength(3);
    const third = hook.requests[2].body as { status: string; alerts: { status: string; endsAt: string; fingerprint: string }[] };
    expect(third.status).toBe("firing");
    expect(third.alerts.map((x) => [x.fingerprint, x.status, x.endsAt])).toEqual([
      ["fp-HighErrorRate-fraud-critical-amount", "firing", "0001-01-01T00:00:00Z"],
      ["fp-HighErrorRate-fraud-critical-country", "resolved", t2.toISOString()],
    ]);
    // The last resolves: a resolved message; then silence.
    const t3 = new Date(t2.getTime() + 60_000);
    await notify([{ ...a, status: "resolved", endsAt: t3 }], { now: t3 });
    expect(hook.requests).toHaveLength(4);
    expect(hook.requests[3].body).toMatchObject({ status: "resolved", alerts: [{ status: "resolved", endsAt: t3.toISOString() }] });
    await notify([{ ...a, status: "resolved", endsAt: t3 }], { now: new Date(t3.getTime() + 15_000) });
    expect(hook.requests).toHaveLength(4);
    const log = await deliveries((await getDb().notificationChannel.findFirstOrThrow()).id);
    expect(log.map((d) => [d.status, d.state, d.alertCount])).toEqual([
      ["resolved", "delivered", 1],
      ["firing", "delivered", 2],
      ["firing", "delivered", 2],
      ["firing", "delivered", 2],
    ]);
  });

  it("a receiver failing 3 times then succeeding gets the notification exactly once", async () => {
    const hook = await receiver((n) => ({ status: n < 3 ? 500 : 200 }));
    const ch = await createChannel({ name: "flaky", type: "webhook", url: hook.url });
    const a = alert();
    await notify([a], { now: T0 });
    let now = T0.getTime();
    for (let i = 0; i < 6; i++) {
      now += 3600_000; // past any backoff
      await processDeliveries({ now: new Date(now) });
      await notify([a], { now: new Date(T0.getTime() + 60_000) }); // the evaluator's next cycles: still firing, nothing new
    }
    expect(hook.requests.map((r) => r.answered)).toEqual([500, 500, 500, 200]);
    expect(hook.requests.filter((r) => r.answered === 200)).toHaveLength(1);
    // Every attempt carried the same message.
    expect(new Set(hook.requests.map((r) => JSON.stringify(r.body))).size).toBe(1);
    const log = await deliveries(ch.id);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ state: "delivered", attempts: 4, responseCode: 200, lastError: null });
  });

  it("backs off exponentially between attempts, and a receiver down the whole time leaves a failed delivery", async () => {
    process.env.DRIFTWATCH_NOTIFY_MAX_ATTEMPTS = "5";
    const ch = await createChannel({ name: "down", type: "webhook", url: `http://127.0.0.1:${await closedPort()}/` });
    const a = alert();
    await notify([a], { now: T0 });
    const gaps: number[] = [];
    let prev = T0.getTime();
    for (let i = 0; i < 10; i++) {
      const [d] = await deliveries(ch.id);
      if (d.state !== "pending") break;
      const next = Date.parse(d.nextAttemptAt!);
      gaps.push(next - prev);
      prev = next;
      // Not due a moment before: nothing is sent.
      expect((await processDeliveries({ now: new Date(next - 1) })).attempted).toBe(0);
      expect((await processDeliveries({ now: new Date(next) })).attempted).toBe(1);
    }
    expect(gaps).toEqual([10_000, 20_000, 40_000, 80_000]);
    const [d] = await deliveries(ch.id);
    expect(d).toMatchObject({ state: "failed", attempts: 5, responseCode: null, status: "firing", nextAttemptAt: null });
    expect(d.lastError).toMatch(/ECONNREFUSED/);
    // The alert is still firing: a later cycle with nothing new queues nothing more, the failure stays logged.
    await notify([a], { now: new Date(T0.getTime() + 600_000) });
    expect(await deliveries(ch.id)).toHaveLength(1);
  });

  it("concurrent workers (replicas) send each queued message once", async () => {
    const hook = await receiver();
    await createChannel({ name: "shared", type: "webhook", url: hook.url });
    const alerts = Array.from({ length: 20 }, (_, i) => alert({ labels: { model_name: `m${i}` } }));
    expect((await notify(alerts, { now: T0, deliver: false })).queued).toBe(20);
    const runs = await Promise.all(Array.from({ length: 4 }, () => processDeliveries({ now: T0, limit: 8 })));
    const again = await processDeliveries({ now: T0 });
    expect(runs.reduce((n, r) => n + r.delivered, 0) + again.delivered).toBe(20);
    expect(hook.requests).toHaveLength(20);
    const groups = hook.requests.map((r) => (r.body as { groupLabels: { model_name: string } }).groupLabels.model_name);
    expect(new Set(groups).size).toBe(20);
  });

  it("prunes finished deliveries past the log's retention, never pending ones", async () => {
    const ch = await createChannel({ name: "old", type: "webhook", url: `http://127.0.0.1:${await closedPort()}/` });
    await notify([alert({ labels: { model_name: "a" } }), alert({ labels: { model_name: "b" } })], { now: T0, deliver: false });
    const db = getDb();
    const [first] = await db.notificationDelivery.findMany({ where: { channelId: ch.id }, orderBy: { id: "asc" } });
    await db.notificationDelivery.update({ where: { id: first.id }, data: { state: "failed" } });
    await db.notificationDelivery.updateMany({ where: { channelId: ch.id }, data: { createdAt: new Date(Date.now() - 31 * 86400_000) } });
    expect((await pruneDeliveryLog()).deliveries).toBe(1);
    expect((await deliveries(ch.id)).map((d) => d.state)).toEqual(["pending"]);
  });

  it("keeps the queue in the database: a message queued by one process is sent by a later one", async () => {
    const hook = await receiver();
    const ch = await createChannel({ name: "durable", type: "webhook", url: hook.url });
    await notify([alert()], { now: T0, deliver: false });
    expect(hook.requests).toHaveLength(0);
    expect((await deliveries(ch.id))[0]).toMatchObject({ state: "pending", attempts: 0 });
    // A fresh start: a new client reads the queue.
    const { closeDb } = await import("@/lib/db/client");
    await closeDb();
    expect(await processDeliveries({ now: T0 })).toEqual({ attempted: 1, delivered: 1 });
    expect(hook.requests).toHaveLength(1);
  });
});

describe("acknowledgements", () => {
  it("stop reminders for a group whose firing alerts are all acknowledged, not new alerts nor resolves", async () => {
    const hook = await receiver();
    await createChannel({ name: "hook", type: "webhook", url: hook.url, settings: { repeatIntervalSeconds: 3600 } });
    const a = alert({ labels: { feature: "a" } });
    const b = alert({ labels: { feature: "b" } });
    await notify([a, b], { now: T0 });
    expect(hook.requests).toHaveLength(1);
    await acknowledge({ fingerprint: a.fingerprint, startsAt: a.startsAt, ackedBy: "ana", comment: "looking" });
    // One of two acknowledged: the reminder still goes out.
    await notify([a, b], { now: new Date(T0.getTime() + 3600_000) });
    expect(hook.requests).toHaveLength(2);
    const ack = await acknowledge({ fingerprint: b.fingerprint, startsAt: b.startsAt, ackedBy: "ana" });
    expect(ack).toMatchObject({ fingerprint: b.fingerprint, startsAt: T0.toISOString(), ackedBy: "ana" });
    const acks = await acksFor([a, b]);
    expect(acks.get(ackKey(a.fingerprint, T0))).toMatchObject({ comment: "looking" });
    // All acknowledged: no reminder.
    expect((await notify([a, b], { now: new Date(T0.getTime() + 3 * 3600_000) })).queued).toBe(0);
    // A new alert in the group is sent (with the acknowledged ones), and so is a resolve.
    const c = alert({ labels: { feature: "c" } });
    await notify([a, b, c], { now: new Date(T0.getTime() + 4 * 3600_000) });
    expect(hook.requests).toHaveLength(3);
    const t = new Date(T0.getTime() + 5 * 3600_000);
    await acknowledge({ fingerprint: c.fingerprint, startsAt: c.startsAt });
    await notify([a, b, { ...c, status: "resolved", endsAt: t }], { now: t });
    expect(hook.requests).toHaveLength(4);
    // The next incident of the same alert (a new start) is not acknowledged.
    expect(await unacknowledge(a.fingerprint, T0)).toBe(true);
    expect((await acksFor([{ ...a, startsAt: t }])).size).toBe(0);
  });
});

describe("Slack channel", () => {
  it("sends text and blocks, and waits Retry-After on 429", async () => {
    const slack = await receiver((n) => (n === 0 ? { status: 429, headers: { "retry-after": "2" }, body: "rate_limited" } : { status: 200 }));
    const ch = await createChannel({ name: "slack", type: "slack", url: `${slack.url}/services/T/B/X` });
    const a = alert({ labels: { feature: "amount" }, generatorURL: "http://driftwatch.test/models/fraud?x=<1>" });
    const t = new Date();
    await notify([a], { now: t });
    expect(slack.requests).toHaveLength(1);
    let [d] = await deliveries(ch.id);
    expect(d).toMatchObject({ state: "pending", attempts: 1, responseCode: 429 });
    expect(Date.parse(d.nextAttemptAt!) - t.getTime()).toBe(2000);
    expect((await processDeliveries({ now: new Date(t.getTime() + 1999) })).attempted).toBe(0);
    await processDeliveries({ now: new Date(t.getTime() + 2000) });
    expect(slack.requests).toHaveLength(2);
    [d] = await deliveries(ch.id);
    expect(d).toMatchObject({ state: "delivered", attempts: 2 });

    const body = slack.requests[1].body as { text: string; blocks: { type: string; text?: { type: string; text: string }; elements?: { text: string }[] }[] };
    expect(Object.keys(body).sort()).toEqual(["blocks", "text"]);
    expect(body.text).toBe("[FIRING:1] HighErrorRate — fraud: Error rate above 1%");
    expect(body.blocks[0]).toEqual({ type: "header", text: { type: "plain_text", text: "[FIRING:1] HighErrorRate — fraud" } });
    expect(body.blocks[1]).toEqual({ type: "section", text: { type: "mrkdwn", text: "Error rate above 1%\n*Severity:* critical   *Firing:* 1" } });
    expect(body.blocks[2]).toEqual({
      type: "section",
      text: { type: "mrkdwn", text: ":red_circle: <http://driftwatch.test/models/fraud?x=%3C1%3E|feature=amount>" },
    });
    expect(body.blocks[3]).toEqual({ type: "context", elements: [{ type: "mrkdwn", text: "<http://driftwatch.test/alerts|Open Driftwatch alerts>" }] });
    expect(body.blocks).toHaveLength(4);

    // Resolved.
    await notify([{ ...a, status: "resolved", endsAt: new Date(t.getTime() + 60_000) }], { now: new Date(t.getTime() + 60_000) });
    const resolved = slack.requests[2].body as typeof body;
    expect(resolved.text).toBe("[RESOLVED] HighErrorRate — fraud: Error rate above 1%");
    expect(resolved.blocks[2].text!.text).toMatch(/^:large_green_circle: /);
  });
});

describe("grouping and silences", () => {
  it("a drift storm on 30 features is one message per channel", async () => {
    const hook = await receiver();
    const slack = await receiver();
    await createChannel({ name: "hook", type: "webhook", url: hook.url });
    await createChannel({ name: "slack", type: "slack", url: slack.url });
    const storm = Array.from({ length: 30 }, (_, i) =>
      alert({ labels: { alertname: "FeatureDrift", severity: "warning", feature: `f${String(i).padStart(2, "0")}` }, annotations: { summary: "Feature drifted" } }),
    );
    const other = alert({ labels: { model_name: "churn" } });
    const r = await notify([...storm, other], { now: T0 });
    expect(r.queued).toBe(4); // (fraud/FeatureDrift, churn/HighErrorRate) × 2 channels
    const drift = hook.requests.map((q) => q.body as { groupLabels: Record<string, string>; alerts: unknown[] });
    expect(drift).toHaveLength(2);
    const stormMsg = drift.find((m) => m.groupLabels.alertname === "FeatureDrift")!;
    expect(stormMsg.alerts).toHaveLength(30);
    const slackStorm = slack.requests.map((q) => q.body as { text: string; blocks: { type: string; elements?: { text: string }[] }[] }).find((m) => m.text.includes("FeatureDrift"))!;
    expect(slackStorm.text).toBe("[FIRING:30] FeatureDrift — fraud: Feature drifted");
    expect(slackStorm.blocks.filter((b) => b.type === "section")).toHaveLength(11); // summary + 10 listed
    expect(slackStorm.blocks.some((b) => b.elements?.[0].text === "…and 20 more")).toBe(true);
    // The same storm next cycle sends nothing; one more feature sends the group again (31 alerts).
    await notify([...storm, other], { now: new Date(T0.getTime() + 15_000) });
    expect(hook.requests).toHaveLength(2);
    const extra = alert({ labels: { alertname: "FeatureDrift", severity: "warning", feature: "f30" } });
    await notify([...storm, extra], { now: new Date(T0.getTime() + 30_000) });
    expect(hook.requests).toHaveLength(3);
    expect((hook.requests[2].body as { alerts: unknown[] }).alerts).toHaveLength(31);
  });

  it("a channel's matchers route only matching alerts to it; a paused channel gets nothing", async () => {
    const critical = await receiver();
    const all = await receiver();
    const paused = await receiver();
    await createChannel({ name: "pager", type: "webhook", url: critical.url, settings: { matchers: [{ name: "severity", op: "=", value: "critical" }] } });
    await createChannel({ name: "all", type: "webhook", url: all.url });
    await createChannel({ name: "paused", type: "webhook", url: paused.url, enabled: false });
    await notify([alert(), alert({ labels: { alertname: "LowConfidence", severity: "warning" } })], { now: T0 });
    expect(critical.requests.map((r) => (r.body as { groupLabels: { alertname: string } }).groupLabels.alertname)).toEqual(["HighErrorRate"]);
    expect(all.requests).toHaveLength(2);
    expect(paused.requests).toHaveLength(0);
  });

  it("silences by label matchers and time range suppress delivery", async () => {
    const hook = await receiver();
    await createChannel({ name: "hook", type: "webhook", url: hook.url });
    const bad = await call(createSilenceRoute, {
      method: "POST",
      body: { matchers: [{ name: "model_name", op: "=~", value: "[" }], endsAt: "2026-12-05T07:00:00Z", startsAt: "2026-12-05T08:00:00Z" },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(["endsAt", "matchers.0.value"]);
    expect((await call(createSilenceRoute, { method: "POST", body: { matchers: [], endsAt: "2030-01-01T00:00:00Z" } })).status).toBe(422);

    const now = new Date();
    const silence = await call(createSilenceRoute, {
      method: "POST",
      body: {
        matchers: [
          { name: "model_name", op: "=", value: "fraud" },
          { name: "alertname", op: "=~", value: "Feature.*" },
          { name: "severity", op: "!=", value: "critical" },
          { name: "feature", op: "!~", value: "amount|age" },
        ],
        endsAt: new Date(now.getTime() + 3600_000).toISOString(),
        createdBy: "ana",
        comment: "retraining",
      },
    });
    expect(silence.status).toBe(201);
    expect(silence.body).toMatchObject({ state: "active", createdBy: "ana", comment: "retraining" });
    // A silence that starts later is pending and mutes nothing yet.
    await call(createSilenceRoute, {
      method: "POST",
      body: { matchers: [{ name: "model_name", op: "=", value: "churn" }], startsAt: new Date(now.getTime() + 3600_000).toISOString(), endsAt: new Date(now.getTime() + 7200_000).toISOString() },
    });
    expect((await call(listSilencesRoute, { path: "/api/v1/silences?state=pending" })).body.silences).toHaveLength(1);
    expect((await call(listSilencesRoute, { path: "/api/v1/silences?state=bogus" })).status).toBe(400);

    const muted = alert({ labels: { alertname: "FeatureDrift", severity: "warning", feature: "country" } });
    const notMutedFeature = alert({ labels: { alertname: "FeatureDrift", severity: "warning", feature: "amount" } });
    const notMutedSeverity = alert({ labels: { alertname: "FeatureDrift", severity: "critical", feature: "plan" } });
    const churn = alert({ labels: { model_name: "churn" } });
    const r = await notify([muted, notMutedFeature, notMutedSeverity, churn]);
    expect(r.silenced).toEqual({ [muted.fingerprint]: silence.body.id });
    const sent = hook.requests.flatMap((q) => (q.body as { alerts: { fingerprint: string }[] }).alerts.map((x) => x.fingerprint)).sort();
    expect(sent).toEqual([notMutedFeature.fingerprint, notMutedSeverity.fingerprint, churn.fingerprint].sort());

    // Only the silenced alert still firing: nothing at all is sent.
    hook.requests.length = 0;
    const channelId = (await getDb().notificationChannel.findFirstOrThrow()).id;
    await getDb().notificationGroup.deleteMany({ where: { channelId } });
    expect((await notify([muted])).queued).toBe(0);
    expect(hook.requests).toHaveLength(0);

    // Expired: the alert is delivered on the next cycle.
    const expired = await call(expireSilenceRoute, { method: "DELETE", params: { id: silence.body.id } });
    expect(expired.body.state).toBe("expired");
    const after = await notify([muted], { now: new Date(Date.now() + 10) });
    expect(after.silenced).toEqual({});
    expect(hook.requests).toHaveLength(1);
    expect((await call(expireSilenceRoute, { method: "DELETE", params: { id: "nope" } })).status).toBe(404);
  });
});

describe("Alertmanager channel (the real binary)", () => {
  let am: ChildProcess | undefined;
  let dir = "";
  afterAll(async () => {
    // wait for Alertmanager to exit before removing its data directory: it writes its state on the way out, and a
    // removal racing that write failed a CI run with ENOTEMPTY after every test had passed
    if (am && am.exitCode === null && am.signalCode === null) {
      const exited = new Promise((resolve) => am!.once("exit", resolve));
      am.kill("SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    }
    if (dir) fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  });

  it("Alertmanager lists the firing alert through its API, then shows it resolved", async () => {
    // Alertmanager's own notifications come to a receiver of ours, so its view of "resolved" is observable too.
    const amHook = await receiver();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "dw-am-"));
    fs.writeFileSync(
      path.join(dir, "am.yml"),
      [
        "route:",
        "  receiver: hook",
        "  group_by: [alertname, model_name]",
        "  group_wait: 1s",
        "  group_interval: 1s",
        "  repeat_interval: 1h",
        "receivers:",
        "  - name: hook",
        "    webhook_configs:",
        `      - url: ${amHook.url}/am`,
        "        send_resolved: true",
      ].join("\n"),
    );
    const port = await closedPort();
    am = spawn(
      "/usr/bin/prometheus-alertmanager",
      [`--config.file=${dir}/am.yml`, `--storage.path=${dir}/data`, `--web.listen-address=127.0.0.1:${port}`, "--cluster.listen-address="],
      { stdio: "ignore" },
    );
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      if ((await fetch(`${base}/-/ready`).then((r) => r.ok, () => false))) break;
      if (i > 100) throw new Error("alertmanager did not start");
      await new Promise((r) => setTimeout(r, 100));
    }
    const ch = await createChannel({ name: "am", type: "alertmanager", url: base, settings: { resendIntervalSeconds: 30 } });
    const start = new Date(Date.now() - 60_000);
    const a = alert({ startsAt: start, labels: { feature: "amount" } });
    const t1 = new Date();
    expect((await notify([a], { now: t1 })).delivered).toBe(1);

    type AmAlert = { labels: Record<string, string>; annotations: Record<string, string>; startsAt: string; endsAt: string; generatorURL: string; status: { state: string }; fingerprint: string };
    const listed = (await (await fetch(`${base}/api/v2/alerts`)).json()) as AmAlert[];
    expect(listed).toHaveLength(1);
    expect(listed[0].labels).toEqual(a.labels);
    expect(listed[0].annotations).toEqual(a.annotations);
    expect(listed[0].status.state).toBe("active");
    expect(Date.parse(listed[0].startsAt)).toBe(start.getTime());
    expect(Date.parse(listed[0].endsAt)).toBe(t1.getTime() + 4 * 30_000); // expires by itself if never re-sent
    expect(listed[0].generatorURL).toBe(a.generatorURL);

    // Re-sent while firing: nothing new within the resend interval, a post after it (endsAt moves on).
    expect((await notify([a], { now: new Date(t1.getTime() + 10_000) })).queued).toBe(0);
    const t2 = new Date(t1.getTime() + 30_000);
    expect((await notify([a], { now: t2 })).delivered).toBe(1);
    const again = (await (await fetch(`${base}/api/v2/alerts`)).json()) as AmAlert[];
    expect(Date.parse(again[0].endsAt)).toBe(t2.getTime() + 4 * 30_000);

    // Alertmanager notified its own receiver of the firing alert.
    await waitFor(() => amHook.requests.some((r) => (r.body as { status: string }).status === "firing"));

    // Resolved through endsAt: Alertmanager drops it from its active alerts and notifies "resolved".
    const end = new Date();
    expect((await notify([{ ...a, status: "resolved", endsAt: end }], { now: end })).delivered).toBe(1);
    const after = (await (await fetch(`${base}/api/v2/alerts`)).json()) as AmAlert[];
    expect(after.filter((x) => x.status.state === "active" && Date.parse(x.endsAt) > Date.now())).toHaveLength(0);
    await waitFor(() => amHook.requests.some((r) => (r.body as { status: string }).status === "resolved"));
    const resolvedMsg = amHook.requests.find((r) => (r.body as { status: string }).status === "resolved")!.body as {
      alerts: { status: string; labels: Record<string, string>; endsAt: string }[];
    };
    expect(resolvedMsg.alerts[0]).toMatchObject({ status: "resolved", labels: a.labels });
    expect(Date.parse(resolvedMsg.alerts[0].endsAt)).toBe(end.getTime());
    expect((await deliveries(ch.id)).map((d) => [d.status, d.state])).toEqual([
      ["resolved", "delivered"],
      ["firing", "delivered"],
      ["firing", "delivered"],
    ]);
  });
});

async function waitFor(cond: () => boolean, ms = 15_000) {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 100));
  }
}
