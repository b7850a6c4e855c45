import http from "node:http";
import https from "node:https";
import { getDb, Prisma } from "../../db/client";
import { loadChannel } from "./channels";
import type { Channel } from "./types";
import { onShutdown } from "../../lifecycle";

/**
 * The durable delivery queue. Each message is a row of notification_deliveries; a worker claims due rows
 * (FOR UPDATE SKIP LOCKED plus a lease, so replicas never send one row at the same time), sends them and
 * records the outcome. Failures are retried with exponential backoff — or after the receiver's Retry-After on
 * 429/503 — until the attempts run out, then the row stays in the log as failed. A row is marked delivered
 * only after a 2xx, so delivery is at least once; a receiver that failed is never sent a message twice after
 * it accepted it, because an accepted row is never claimed again.
 */

function intEnv(name: string, fallback: number) {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : fallback;
}

export function deliverySettings() {
  return {
    /** first retry after this; doubled each attempt */
    backoffBaseMs: intEnv("DRIFTWATCH_NOTIFY_BACKOFF_MS", 10_000),
    backoffMaxMs: intEnv("DRIFTWATCH_NOTIFY_BACKOFF_MAX_MS", 3600_000),
    /** attempts before a message is given up as failed */
    maxAttempts: intEnv("DRIFTWATCH_NOTIFY_MAX_ATTEMPTS", 12),
    timeoutMs: intEnv("DRIFTWATCH_NOTIFY_TIMEOUT_MS", 10_000),
    /** delivered and failed messages are kept in the log this long */
    logDays: intEnv("DRIFTWATCH_NOTIFY_LOG_DAYS", 30),
  };
}

/** Delay before attempt `attempts + 1`, after `attempts` failures. */
export function backoffMs(attempts: number, s = deliverySettings()): number {
  return Math.min(s.backoffBaseMs * 2 ** Math.max(0, attempts - 1), s.backoffMaxMs);
}

/** Retry-After in seconds or as an HTTP date; null when absent or unreadable. Capped at an hour. */
export function retryAfterMs(header: string | null, now: Date): number | null {
  if (!header) return null;
  const secs = Number(header.trim());
  if (Number.isFinite(secs) && secs >= 0) return Math.min(secs * 1000, 3600_000);
  const at = Date.parse(header);
  if (Number.isFinite(at)) return Math.min(Math.max(0, at - now.getTime()), 3600_000);
  return null;
}

export type SendResult = { ok: boolean; status: number | null; error: string | null; retryAfterMs: number | null };

/**
 * One HTTP request to the channel. Never throws. A fresh connection each time (no keep-alive pool): messages are
 * rare, and a pooled socket the receiver has since closed would fail a delivery for nothing.
 */
export async function send(channel: Channel, payload: unknown, now = new Date()): Promise<SendResult> {
  const url = channel.type === "alertmanager" ? new URL("api/v2/alerts", channel.url.replace(/\/?$/, "/")) : new URL(channel.url);
  const body = Buffer.from(JSON.stringify(payload));
  const timeoutMs = deliverySettings().timeoutMs;
  return new Promise<SendResult>((resolve) => {
    const fail = (error: string) => resolve({ ok: false, status: null, error: `request failed: ${error}`, retryAfterMs: null });
    const req = (url.protocol === "https:" ? https : http).request(
      url,
      {
        method: "POST",
        agent: false,
        headers: {
          "content-type": "application/json",
          "content-length": body.length,
          "user-agent": "Driftwatch",
          ...channel.settings.headers,
        },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (c: Buffer) => {
          if (size < 4096) chunks.push(c);
          size += c.length;
        });
        res.on("error", (err) => fail(err.message));
        res.on("end", () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) return resolve({ ok: true, status, error: null, retryAfterMs: null });
          const text = Buffer.concat(chunks).toString("utf8").slice(0, 300);
          const header = res.headers["retry-after"];
          const retry = status === 429 || status === 503 ? retryAfterMs(Array.isArray(header) ? header[0] : (header ?? null), now) : null;
          resolve({ ok: false, status, error: `HTTP ${status}${text ? `: ${text}` : ""}`, retryAfterMs: retry });
        });
      },
    );
    req.on("timeout", () => req.destroy(Object.assign(new Error("timed out"), { code: "ETIMEDOUT" })));
    req.on("error", (err: Error & { code?: string }) => fail(err.code ?? err.message));
    req.end(body);
  });
}

type Claimed = { id: bigint; channel_id: string; payload: unknown; attempts: number; kind: string };

const LEASE_MS = 60_000;

/**
 * Sends every due message once (oldest first; within a channel's group only the oldest pending message, so a
 * "resolved" never overtakes its "firing"). Returns how many were attempted and delivered.
 * `now` is the queue's clock (tests move it forward to reach the next retry).
 */
export async function processDeliveries(opts: { now?: Date; limit?: number } = {}): Promise<{ attempted: number; delivered: number }> {
  const now = opts.now ?? new Date();
  const db = getDb();
  const claimed = await db.$queryRaw<Claimed[]>(Prisma.sql`
    UPDATE notification_deliveries SET lease_until = ${new Date(now.getTime() + LEASE_MS)}
    WHERE id IN (
      SELECT d.id FROM notification_deliveries d
      WHERE d.state = 'pending' AND d.next_attempt_at <= ${now} AND (d.lease_until IS NULL OR d.lease_until <= ${now})
        AND NOT EXISTS (SELECT 1 FROM notification_deliveries o
                        WHERE o.channel_id = d.channel_id AND o.group_key = d.group_key AND o.state = 'pending' AND o.id < d.id)
      ORDER BY d.id LIMIT ${opts.limit ?? 100}
      FOR UPDATE SKIP LOCKED)
    RETURNING id, channel_id, payload, attempts, kind`);
  if (claimed.length === 0) return { attempted: 0, delivered: 0 };
  const channels = new Map<string, Channel | null>();
  for (const id of new Set(claimed.map((c) => c.channel_id))) channels.set(id, await loadChannel(id).catch(() => null));
  const results = await Promise.all(
    claimed.map(async (row) => {
      const channel = channels.get(row.channel_id);
      if (!channel) return false; // deleted meanwhile; its rows went with it
      const result = await send(channel, row.payload, now);
      await record(row, result, now);
      return result.ok;
    }),
  );
  return { attempted: claimed.length, delivered: results.filter(Boolean).length };
}

async function record(row: Claimed, r: SendResult, now: Date) {
  const s = deliverySettings();
  const attempts = row.attempts + 1;
  // A test message is tried once: its point is to show the outcome now.
  const giveUp = !r.ok && (row.kind === "test" || attempts >= s.maxAttempts);
  const wait = r.retryAfterMs ?? backoffMs(attempts, s);
  await getDb().notificationDelivery.updateMany({
    where: { id: row.id },
    data: {
      attempts,
      leaseUntil: null,
      responseCode: r.status,
      lastError: r.ok ? null : r.error,
      state: r.ok ? "delivered" : giveUp ? "failed" : "pending",
      ...(r.ok ? { deliveredAt: new Date() } : {}),
      ...(!r.ok && !giveUp ? { nextAttemptAt: new Date(now.getTime() + wait) } : {}),
    },
  });
}

/** Sends one queued message now, whatever its schedule (the "send test" action). */
export async function deliverNow(id: bigint): Promise<void> {
  const now = new Date();
  const [row] = await getDb().$queryRaw<Claimed[]>(Prisma.sql`
    UPDATE notification_deliveries SET lease_until = ${new Date(now.getTime() + LEASE_MS)}
    WHERE id = ${id} AND state = 'pending' AND (lease_until IS NULL OR lease_until <= ${now})
    RETURNING id, channel_id, payload, attempts, kind`);
  if (!row) return;
  const channel = await loadChannel(row.channel_id);
  await record(row, await send(channel, row.payload, now), now);
}

/**
 * Forgets finished messages (delivered or failed) older than the log's retention, and group records not touched
 * for that long. Pending messages are never removed.
 */
export async function pruneDeliveryLog(now = new Date()): Promise<{ deliveries: number; groups: number }> {
  const cutoff = new Date(now.getTime() - deliverySettings().logDays * 86400_000);
  const db = getDb();
  const deliveries = await db.notificationDelivery.deleteMany({ where: { state: { in: ["delivered", "failed"] }, createdAt: { lt: cutoff } } });
  const groups = await db.notificationGroup.deleteMany({ where: { lastSentAt: { lt: cutoff } } });
  return { deliveries: deliveries.count, groups: groups.count };
}

type WorkerGlobal = { __driftwatchNotifyWorker?: ReturnType<typeof setInterval>; __driftwatchNotifyRun?: Promise<unknown> };

/**
 * Retries due messages in the background every few seconds (started by instrumentation.ts). Every replica may run
 * one: claiming is exclusive per row.
 */
export function startDeliveryWorker(intervalMs = 5_000) {
  const g = globalThis as WorkerGlobal;
  if (g.__driftwatchNotifyWorker) return;
  let pruned = 0;
  g.__driftwatchNotifyWorker = setInterval(() => {
    if (g.__driftwatchNotifyRun) return;
    const prune = Date.now() - pruned > 3600_000;
    if (prune) pruned = Date.now();
    g.__driftwatchNotifyRun = processDeliveries()
      .then(() => (prune ? pruneDeliveryLog() : undefined))
      .catch((err) => console.error("[driftwatch] notification delivery failed:", err))
      .finally(() => {
        g.__driftwatchNotifyRun = undefined;
      });
  }, intervalMs);
  g.__driftwatchNotifyWorker.unref?.();
  // On SIGTERM the server stops the timer and waits for a delivery pass in progress (its claims are then settled).
  onShutdown("notification delivery", stopDeliveryWorker);
}

/** Stops the retries; resolves once a pass that was running has finished. */
export async function stopDeliveryWorker(): Promise<void> {
  const g = globalThis as WorkerGlobal;
  if (g.__driftwatchNotifyWorker) clearInterval(g.__driftwatchNotifyWorker);
  g.__driftwatchNotifyWorker = undefined;
  await g.__driftwatchNotifyRun;
}
