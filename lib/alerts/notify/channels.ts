import crypto from "node:crypto";
import type { z } from "zod";
import { getDb, Prisma } from "../../db/client";
import { ApiError, notFound } from "../../errors";
import type { Channel, ChannelSettings, ChannelType } from "./types";
import type { createChannelRequest, settingsSchema, updateChannelRequest } from "./validation";

export const DEFAULT_SETTINGS: ChannelSettings = {
  groupBy: ["model_name", "alertname"],
  matchers: [],
  sendResolved: true,
  repeatIntervalSeconds: 4 * 3600,
  resendIntervalSeconds: 60,
  headers: {},
};

export function withDefaults(stored: unknown): ChannelSettings {
  const s = (stored && typeof stored === "object" ? stored : {}) as Partial<ChannelSettings>;
  return { ...DEFAULT_SETTINGS, ...s };
}

type Row = { id: string; name: string; type: string; url: string; enabled: boolean; settings: unknown; createdAt: Date; updatedAt: Date };

export const toChannel = (r: Row): Channel => ({
  id: r.id,
  name: r.name,
  type: r.type as ChannelType,
  url: r.url,
  enabled: r.enabled,
  settings: withDefaults(r.settings),
});

/** A Slack webhook URL and header values are credentials: readers without admin see them masked. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return u.pathname.length > 1 ? `${u.origin}/…` : u.origin;
  } catch {
    return "…";
  }
}

export type ChannelView = Channel & { createdAt: string; updatedAt: string; lastDelivery: DeliveryView | null };

export type DeliveryView = {
  id: string;
  channelId: string;
  groupKey: string;
  kind: string;
  status: string;
  alertCount: number;
  state: string;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  responseCode: number | null;
  createdAt: string;
  deliveredAt: string | null;
};

type DeliveryRow = {
  id: bigint;
  channelId: string;
  groupKey: string;
  kind: string;
  status: string;
  alertCount: number;
  state: string;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  responseCode: number | null;
  createdAt: Date;
  deliveredAt: Date | null;
};

export const deliveryView = (d: DeliveryRow): DeliveryView => ({
  id: d.id.toString(),
  channelId: d.channelId,
  groupKey: d.groupKey,
  kind: d.kind,
  status: d.status,
  alertCount: d.alertCount,
  state: d.state,
  attempts: d.attempts,
  nextAttemptAt: d.state === "pending" ? d.nextAttemptAt.toISOString() : null,
  lastError: d.lastError,
  responseCode: d.responseCode,
  createdAt: d.createdAt.toISOString(),
  deliveredAt: d.deliveredAt?.toISOString() ?? null,
});

const DELIVERY_SELECT = {
  id: true,
  channelId: true,
  groupKey: true,
  kind: true,
  status: true,
  alertCount: true,
  state: true,
  attempts: true,
  nextAttemptAt: true,
  lastError: true,
  responseCode: true,
  createdAt: true,
  deliveredAt: true,
} as const;

function view(r: Row, reveal: boolean, last: DeliveryRow | null): ChannelView {
  const c = toChannel(r);
  const headers = reveal ? c.settings.headers : Object.fromEntries(Object.keys(c.settings.headers).map((k) => [k, "…"]));
  return {
    ...c,
    url: reveal ? c.url : redactUrl(c.url),
    settings: { ...c.settings, headers },
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    lastDelivery: last ? deliveryView(last) : null,
  };
}

const duplicateName = (name: string) => new ApiError(409, "conflict", `A channel named '${name}' exists already.`);

function isUniqueViolation(err: unknown) {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002";
}

async function lastDeliveries(ids: string[]): Promise<Map<string, DeliveryRow>> {
  if (ids.length === 0) return new Map();
  const rows = await getDb().notificationDelivery.findMany({
    where: { channelId: { in: ids } },
    orderBy: { id: "desc" },
    distinct: ["channelId"],
    select: DELIVERY_SELECT,
  });
  return new Map(rows.map((r) => [r.channelId, r]));
}

export async function listChannels(reveal: boolean): Promise<ChannelView[]> {
  const rows = await getDb().notificationChannel.findMany({ orderBy: { name: "asc" } });
  const last = await lastDeliveries(rows.map((r) => r.id));
  return rows.map((r) => view(r, reveal, last.get(r.id) ?? null));
}

export async function getChannel(id: string, reveal: boolean): Promise<ChannelView> {
  const row = await getDb().notificationChannel.findUnique({ where: { id } });
  if (!row) throw notFound(`No channel '${id}'.`);
  const last = await lastDeliveries([id]);
  return view(row, reveal, last.get(id) ?? null);
}

/** The channel as the delivery code uses it (URL and headers in clear). */
export async function loadChannel(id: string): Promise<Channel> {
  const row = await getDb().notificationChannel.findUnique({ where: { id } });
  if (!row) throw notFound(`No channel '${id}'.`);
  return toChannel(row);
}

export async function createChannel(input: z.infer<typeof createChannelRequest>): Promise<ChannelView> {
  try {
    const row = await getDb().notificationChannel.create({
      data: {
        id: `ch_${crypto.randomBytes(9).toString("base64url")}`,
        name: input.name,
        type: input.type,
        url: input.url,
        enabled: input.enabled ?? true,
        settings: (input.settings ?? {}) as Prisma.InputJsonValue,
      },
    });
    return view(row, true, null);
  } catch (err) {
    if (isUniqueViolation(err)) throw duplicateName(input.name);
    throw err;
  }
}

/** Partial update; `settings` replaces the listed keys and keeps the others. */
export async function updateChannel(id: string, input: z.infer<typeof updateChannelRequest>): Promise<ChannelView> {
  const db = getDb();
  const existing = await db.notificationChannel.findUnique({ where: { id } });
  if (!existing) throw notFound(`No channel '${id}'.`);
  const settings: z.infer<typeof settingsSchema> = {
    ...((existing.settings ?? {}) as object),
    ...(input.settings ?? {}),
  };
  try {
    const row = await db.notificationChannel.update({
      where: { id },
      data: {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.type !== undefined ? { type: input.type } : {}),
        ...(input.url !== undefined ? { url: input.url } : {}),
        ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
        settings: settings as Prisma.InputJsonValue,
      },
    });
    // What was sent to the old destination says nothing about the new one.
    if ((input.url !== undefined && input.url !== existing.url) || (input.type !== undefined && input.type !== existing.type)) {
      await db.notificationGroup.deleteMany({ where: { channelId: id } });
    }
    return getChannel(row.id, true);
  } catch (err) {
    if (isUniqueViolation(err)) throw duplicateName(input.name ?? "");
    throw err;
  }
}

/** Deletes the channel with its queue and log. */
export async function deleteChannel(id: string): Promise<boolean> {
  const { count } = await getDb().notificationChannel.deleteMany({ where: { id } });
  return count > 0;
}

export async function listDeliveries(channelId: string, limit = 50): Promise<DeliveryView[]> {
  const exists = await getDb().notificationChannel.findUnique({ where: { id: channelId }, select: { id: true } });
  if (!exists) throw notFound(`No channel '${channelId}'.`);
  const rows = await getDb().notificationDelivery.findMany({
    where: { channelId },
    orderBy: { id: "desc" },
    take: Math.min(Math.max(limit, 1), 500),
    select: DELIVERY_SELECT,
  });
  return rows.map(deliveryView);
}
