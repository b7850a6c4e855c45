import { Prisma, rawQuery } from "../db/client";

/**
 * Raw prediction events live in daily partitions of `prediction_events` (one UTC day each, named
 * prediction_events_pYYYYMMDD; no DEFAULT partition). They are made ahead by the maintenance pass (prune.ts) and
 * on demand by a write that meets a day without one; retention drops them whole.
 */

export const DAY_MS = 86_400_000;
const PREFIX = "prediction_events_p";

/** The UTC day number (days since 1970-01-01) of a time in milliseconds. */
export const dayOf = (ms: number) => Math.floor(ms / DAY_MS);

/** The partition name of a UTC day number. */
export function partitionName(day: number): string {
  return PREFIX + new Date(day * DAY_MS).toISOString().slice(0, 10).replace(/-/g, "");
}

/** The UTC day number a partition name stands for (undefined for a name not of ours). */
export function partitionDay(name: string): number | undefined {
  const m = /^prediction_events_p(\d{4})(\d{2})(\d{2})$/.exec(name);
  return m ? dayOf(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
}

/** Days this process knows to have a partition (a cache: forgotten when a write finds one gone). */
const known = new Set<number>();

/**
 * Makes sure each of `days` has its partition (one statement for all the missing ones, outside any transaction:
 * creating a partition briefly locks the parent table). Returns how many were created.
 */
export async function ensureEventPartitions(days: Iterable<number>): Promise<number> {
  const missing = [...new Set(days)].filter((d) => !known.has(d)).sort((a, b) => a - b);
  if (missing.length === 0) return 0;
  const dates = missing.map((d) => new Date(d * DAY_MS).toISOString().slice(0, 10));
  const [{ made }] = await rawQuery<{ made: number }>(Prisma.sql`SELECT dw_ensure_event_partitions(${dates}::date[]) AS made`);
  for (const d of missing) known.add(d);
  return made;
}

/** Forgets which partitions exist (after a write found a day's partition gone: retention dropped it). */
export function forgetEventPartitions(): void {
  known.clear();
}

/** True for PostgreSQL's "no partition of relation … found for row" (the row's day has no partition). */
export function isMissingPartition(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    const o = e as { code?: unknown; message?: unknown; cause?: unknown };
    if (o.code === "23514" && typeof o.message === "string" && o.message.includes("no partition of relation")) return true;
    e = o.cause;
  }
  return false;
}

/** The event partitions that exist, oldest first, with their UTC day numbers. */
export async function eventPartitions(): Promise<{ name: string; day: number }[]> {
  const rows = await rawQuery<{ name: string }>(`
    SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'prediction_events'::regclass`);
  const out: { name: string; day: number }[] = [];
  for (const r of rows) {
    const day = partitionDay(r.name);
    if (day !== undefined) out.push({ name: r.name, day });
  }
  return out.sort((a, b) => a.day - b.day);
}
