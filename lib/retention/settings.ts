import { z } from "zod";
import { getDb, Prisma, rawQuery } from "../db/client";

const KEY = "rawEventRetentionDays";

/** Days of raw prediction events to keep, install-wide; null keeps them forever. */
export const retentionDays = z.int().min(1).max(3650).nullable();

/** The retention of an install that never set one (issue #15). Upgraded installs holding events keep "forever". */
export const DEFAULT_RETENTION_DAYS = 30;

export type RetentionSetting = { days: number | null; updatedAt: string | null; updatedBy: string | null };

/** The install's raw-event retention (read with raw SQL: the write path asks for it, in ingest threads too, which never start Prisma). */
export async function getRetention(): Promise<RetentionSetting> {
  const [row] = await rawQuery<{ value: unknown; updated_at: Date; updated_by: string | null }>(
    Prisma.sql`SELECT value, updated_at, updated_by FROM install_settings WHERE key = ${KEY}`,
  );
  const parsed = row ? retentionDays.safeParse(row.value) : undefined;
  cached = undefined;
  return {
    days: parsed === undefined ? DEFAULT_RETENTION_DAYS : parsed.success ? parsed.data : null,
    updatedAt: row ? row.updated_at.toISOString() : null,
    updatedBy: row?.updated_by ?? null,
  };
}

/** Sets the retention (validated: 1–3650 days, or null for forever); the next retention pass applies it. */
export async function setRetention(days: number | null, actor: string): Promise<RetentionSetting> {
  const value = retentionDays.parse(days);
  const json = (value ?? Prisma.JsonNull) as Prisma.InputJsonValue | typeof Prisma.JsonNull;
  await getDb().installSetting.upsert({
    where: { key: KEY },
    create: { key: KEY, value: json, updatedBy: actor },
    update: { value: json, updatedBy: actor },
  });
  return getRetention();
}

const CACHE_MS = 30_000;
let cached: { days: number | null; at: number } | undefined;

/**
 * The retention days for the write path, read at most every 30 s per process (a change made on another replica
 * reaches this one within that; the retention pass itself always reads the setting afresh).
 */
export async function retentionDaysCached(now = Date.now()): Promise<number | null> {
  if (cached && now - cached.at < CACHE_MS) return cached.days;
  const { days } = await getRetention();
  cached = { days, at: now };
  return days;
}
