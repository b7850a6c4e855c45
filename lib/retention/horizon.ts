import { DAY_MS } from "./partitions";
import { retentionDaysCached } from "./settings";

/**
 * Where retention cuts at `now`: the start of a UTC day, so the cut falls between two daily partitions and every
 * raw event before it goes with a whole partition (and every hour's raw events are either all kept or all gone).
 * Keeps between `days` and `days` + 1 days.
 */
export function retentionCutoff(now: Date, days: number): Date {
  return new Date(Math.floor((now.getTime() - days * DAY_MS) / DAY_MS) * DAY_MS);
}

/** The oldest time the write path takes events and labels for (the retention's cut), null when kept forever. */
export async function retentionHorizon(now: Date): Promise<Date | null> {
  const days = await retentionDaysCached(now.getTime());
  return days === null ? null : retentionCutoff(now, days);
}

/** The error code of an item dated before the retention horizon. */
export const OUTSIDE_RETENTION = "event_outside_retention";
