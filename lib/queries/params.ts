import { unprocessable, zodIssues } from "../errors";
import { versionName } from "../domain/ids";
import { safeText } from "../domain/text";
import { ceilMs, DAY, floorMs, HOUR, MINUTE, timestamp } from "../domain/time";

/**
 * The common query of every read endpoint: `from`, `to` (default: the last 24 hours), `step` (1m … 1d, default
 * about 60 points), `window=single` for one window [from, to), `version`, and `segment.<key>=<value>` filters.
 * All buckets are UTC and half-open; series buckets are aligned to multiples of the step since the epoch.
 */
export type ReadQuery = {
  from: Date;
  to: Date;
  /** bucket width in ms; null for a single window */
  stepMs: number | null;
  version: string | null;
  segments: Record<string, string>;
};

const UNIT = { m: MINUTE, h: HOUR, d: DAY } as const;
/** Steps offered when the caller gives none: the smallest that yields at most ~60 buckets. */
const NICE_STEPS = [1, 5, 10, 15, 30].map((m) => m * MINUTE).concat([1, 2, 3, 6, 12, 24].map((h) => h * HOUR));
const MAX_BUCKETS = 5_000;
/**
 * Longest series whose step is not a whole number of hours: such buckets are summed from per-minute rollup rows
 * (one per minute and version × segment), so their cost grows with the range, not only with the buckets.
 */
export const MAX_MINUTE_SERIES_MS = 7 * DAY;

export function parseStep(step: string): number {
  const m = /^([1-9]\d{0,3})([mhd])$/.exec(step);
  if (!m) throw unprocessable("Invalid query.", [{ path: "step", message: "must look like 1m, 5m, 1h or 1d" }]);
  const ms = Number(m[1]) * UNIT[m[2] as keyof typeof UNIT];
  if (ms < MINUTE || ms > DAY) throw unprocessable("Invalid query.", [{ path: "step", message: "must lie between 1m and 1d" }]);
  return ms;
}

export function defaultStep(spanMs: number): number {
  return NICE_STEPS.find((s) => spanMs / s <= 60) ?? DAY;
}

const optionalTime = timestamp.optional();

/**
 * Parses and checks the common read query; series ranges are widened to whole steps. `minDefaultStepMs` raises
 * the default step (drift windows are whole hours); an explicit `step` is taken as given.
 */
export function parseReadQuery(params: URLSearchParams, { now = new Date(), minDefaultStepMs = 0 } = {}): ReadQuery {
  const parse = (name: string) => {
    const raw = params.get(name);
    if (raw === null) return undefined;
    const r = optionalTime.safeParse(/^\d+$/.test(raw) ? Number(raw) : raw);
    if (!r.success) throw unprocessable("Invalid query.", zodIssues(r.error, [name]));
    return r.data;
  };
  let to = parse("to") ?? now;
  let from = parse("from") ?? new Date(to.getTime() - DAY);
  if (from >= to) throw unprocessable("Invalid query.", [{ path: "from", message: "must be before to" }]);
  const window = params.get("window");
  if (window !== null && window !== "single" && window !== "series") {
    throw unprocessable("Invalid query.", [{ path: "window", message: "must be single or series" }]);
  }
  const stepParam = params.get("step");
  let stepMs: number | null = null;
  if (window !== "single") {
    const asked = to.getTime() - from.getTime();
    stepMs = stepParam ? parseStep(stepParam) : Math.max(minDefaultStepMs, defaultStep(asked));
    from = new Date(floorMs(from.getTime(), stepMs));
    to = new Date(ceilMs(to.getTime(), stepMs));
    if ((to.getTime() - from.getTime()) / stepMs > MAX_BUCKETS) {
      throw unprocessable("Invalid query.", [
        { path: stepParam ? "step" : "from", message: `gives more than ${MAX_BUCKETS} buckets; use a larger step or a shorter range` },
      ]);
    }
    if (stepMs % HOUR !== 0 && asked > MAX_MINUTE_SERIES_MS) {
      throw unprocessable("Invalid query.", [
        { path: "step", message: "a step that is not a whole number of hours covers at most 7 days; use 1h, 2h, … 1d for longer ranges" },
      ]);
    }
  }
  const version = params.get("version");
  // Stored versions never hold NUL, U+001C–U+001F or unpaired surrogates (ingest refuses them).
  if (version !== null && !versionName.safeParse(version).success) {
    throw unprocessable("Invalid query.", [{ path: "version", message: "must be 1–64 characters without NUL, U+001C–U+001F or unpaired surrogates" }]);
  }
  const segments: Record<string, string> = {};
  for (const [k, v] of params) {
    if (!k.startsWith("segment.")) continue;
    const name = k.slice("segment.".length);
    if (!name || name.length > 64 || v.length > 128) {
      throw unprocessable("Invalid query.", [{ path: k, message: "segment filters are segment.<key>=<value>, key ≤ 64 and value ≤ 128 characters" }]);
    }
    // as ingest stored them: unsafe characters replaced (a NUL would not even reach the database)
    segments[safeText(name)] = safeText(v);
  }
  return { from, to, stepMs, version, segments };
}

/** The bucket starts of a series query (or the single window's start). */
export function bucketStarts(q: ReadQuery): number[] {
  if (q.stepMs === null) return [q.from.getTime()];
  const out: number[] = [];
  for (let t = q.from.getTime(); t < q.to.getTime(); t += q.stepMs) out.push(t);
  return out;
}

/** The bucket a time falls in (series) or the single window's start. */
export function bucketOf(q: ReadQuery, t: number): number {
  return q.stepMs === null ? q.from.getTime() : floorMs(t, q.stepMs);
}
