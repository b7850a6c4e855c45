import { z } from "zod";

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** `t` rounded down / up to a multiple of `unit` (UTC buckets are aligned to the epoch). */
export const floorMs = (t: number, unit: number) => Math.floor(t / unit) * unit;
export const ceilMs = (t: number, unit: number) => Math.ceil(t / unit) * unit;

/** The earliest event time accepted, and how far ahead of the server's clock one may be. */
export const EARLIEST = Date.UTC(1990, 0, 1);
export const MAX_FUTURE_MS = DAY;
export const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

/** An RFC 3339 string or epoch milliseconds, from 1990 to one day ahead of the server's clock. */
export const timestamp = z
  .union([z.string().max(40), z.number()])
  .transform((v, ctx) => {
    const ms = typeof v === "number" ? v : RFC3339.test(v) ? Date.parse(v) : NaN;
    if (!Number.isFinite(ms)) {
      ctx.addIssue({ code: "custom", message: "must be an RFC 3339 time with a zone (e.g. 2026-11-20T10:15:00Z) or epoch milliseconds" });
      return z.NEVER;
    }
    if (ms < EARLIEST || ms > Date.now() + MAX_FUTURE_MS) {
      ctx.addIssue({ code: "custom", message: "must lie between 1990-01-01 and one day after the server's current time" });
      return z.NEVER;
    }
    return new Date(ms);
  });
