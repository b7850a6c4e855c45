import { z } from "zod";
import { getDb, Prisma } from "../db/client";

const KEY = "rawEventRetentionDays";

/** Days of raw prediction events to keep, install-wide; null keeps them forever (the default). */
export const retentionDays = z.int().min(1).max(3650).nullable();

export type RetentionSetting = { days: number | null; updatedAt: string | null; updatedBy: string | null };

/** The install's raw-event retention. */
export async function getRetention(): Promise<RetentionSetting> {
  const row = await getDb().installSetting.findUnique({ where: { key: KEY } });
  const parsed = retentionDays.safeParse(row?.value ?? null);
  return {
    days: parsed.success ? parsed.data : null,
    updatedAt: row ? row.updatedAt.toISOString() : null,
    updatedBy: row?.updatedBy ?? null,
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
