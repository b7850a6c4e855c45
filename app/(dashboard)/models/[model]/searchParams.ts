import { DAY, HOUR, MINUTE, ceilMs, floorMs } from "@/lib/domain/time";
import type { ReadQuery } from "@/lib/queries/params";

/**
 * The model page's URL state, parsed in one place: `range` (a preset) or `from`/`to` (RFC 3339, epoch ms, or
 * relative to now as `now`, `now-15m`, `now-6h`, `now-7d`), `version`, and `segment.<key>=<value>`. Unknown or
 * malformed values fall back to the defaults, so a hand-edited URL still opens the page.
 */
export const RANGES = { "1h": HOUR, "6h": 6 * HOUR, "24h": DAY, "7d": 7 * DAY, "30d": 30 * DAY } as const;
export type RangeName = keyof typeof RANGES;
/** A week: the story of a model (a deployment, an incident, a drift episode) usually spans days, not hours. */
export const DEFAULT_RANGE: RangeName = "7d";

/**
 * The preset the page opens on when its URL names no range: a week, or for a model whose first event is younger
 * than that, the shortest preset holding all of its events. A model that has been sending for twenty minutes then
 * shows them across the charts at 1-minute buckets, not as a sliver at the right edge of a week of hours.
 */
export function defaultRange(firstEventMs: number | null, nowMs: number): RangeName {
  if (firstEventMs === null) return DEFAULT_RANGE;
  const age = nowMs - firstEventMs;
  for (const r of ["1h", "6h", "24h"] as const) if (age < RANGES[r]) return r;
  return DEFAULT_RANGE;
}

/** Chart buckets per range: ~60–170 points, so every chart stays small whatever the range. */
const STEPS: { upTo: number; step: number }[] = [
  { upTo: HOUR, step: MINUTE },
  { upTo: 6 * HOUR, step: 5 * MINUTE },
  { upTo: DAY, step: 15 * MINUTE },
  { upTo: 3 * DAY, step: HOUR },
  { upTo: 7 * DAY, step: HOUR },
  { upTo: 14 * DAY, step: 3 * HOUR },
  { upTo: 30 * DAY, step: 6 * HOUR },
  { upTo: 90 * DAY, step: DAY },
];
/** Longest range the page shows at once. */
export const MAX_RANGE_MS = 366 * DAY;
/** Shortest range (a drag-zoom cannot go below it). */
export const MIN_RANGE_MS = 5 * MINUTE;

export function stepFor(spanMs: number): number {
  return (STEPS.find((s) => spanMs <= s.upTo) ?? { step: DAY }).step;
}

export type ModelView = {
  /** the preset in use, or null for a custom from/to */
  range: RangeName | null;
  /** what the URL said, to put back in links (e.g. "now-7d") */
  fromParam: string | null;
  toParam: string | null;
  from: Date;
  to: Date;
  stepMs: number;
  version: string | null;
  segments: Record<string, string>;
};

type Params = Record<string, string | string[] | undefined>;
const one = (p: Params, name: string) => {
  const v = p[name];
  return Array.isArray(v) ? v[0] : v;
};

const RELATIVE = /^now(?:-(\d{1,4})([mhd]))?$/;
const UNIT = { m: MINUTE, h: HOUR, d: DAY } as const;

/** `now`, `now-7d`, RFC 3339 or epoch ms → a time; anything else → null. */
export function parseTime(raw: string | undefined, now: number): number | null {
  if (!raw) return null;
  const rel = RELATIVE.exec(raw.trim());
  if (rel) return rel[1] ? now - Number(rel[1]) * UNIT[rel[2] as keyof typeof UNIT] : now;
  if (/^\d{10,14}$/.test(raw)) return Number(raw);
  const t = Date.parse(raw);
  return Number.isFinite(t) && /^\d{4}-\d{2}-\d{2}T/.test(raw) ? t : null;
}

/** `firstEvent`: the model's earliest event (its versions' first sighting), which picks the default range. */
export function parseModelView(p: Params, now: Date, firstEvent: Date | null = null): ModelView {
  const nowMs = now.getTime();
  const fromRaw = one(p, "from");
  const toRaw = one(p, "to");
  const f = parseTime(fromRaw, nowMs);
  const t = parseTime(toRaw, nowMs) ?? nowMs;
  const segments: Record<string, string> = {};
  for (const [k, v] of Object.entries(p)) {
    const value = Array.isArray(v) ? v[0] : v;
    if (k.startsWith("segment.") && k.length > 8 && k.length <= 72 && value && value.length <= 128) segments[k.slice(8)] = value;
  }
  const rawVersion = one(p, "version");
  const version = rawVersion && rawVersion.length <= 64 ? rawVersion : null;
  let range: RangeName | null = null;
  let from: number;
  let to: number;
  if (f !== null && f < t && t - f <= MAX_RANGE_MS && t - f >= MIN_RANGE_MS) {
    from = f;
    to = Math.min(t, nowMs + HOUR);
  } else {
    const r = one(p, "range");
    range = r && r in RANGES ? (r as RangeName) : defaultRange(firstEvent?.getTime() ?? null, nowMs);
    to = nowMs;
    from = nowMs - RANGES[range];
  }
  const stepMs = stepFor(to - from);
  return {
    range,
    fromParam: range ? null : (fromRaw ?? null),
    toParam: range ? null : (toRaw ?? null),
    from: new Date(floorMs(from, stepMs)),
    to: new Date(ceilMs(to, stepMs)),
    stepMs,
    version,
    segments,
  };
}

/** The read query the page runs for its charts: the same one the metrics API parses from the same from/to/step. */
export function seriesQuery(v: ModelView): ReadQuery & { stepMs: number } {
  return { from: v.from, to: v.to, stepMs: v.stepMs, version: v.version, segments: v.segments };
}

/** One window over the whole range (the confusion matrix, the headline numbers). */
export function rangeQuery(v: ModelView): ReadQuery {
  return { from: v.from, to: v.to, stepMs: null, version: v.version, segments: v.segments };
}

/** The page's URL with some parameters changed (null removes one); keeps the rest, e.g. segment filters. */
export function viewHref(model: string, current: Params, changes: Record<string, string | null>): string {
  const next = new URLSearchParams();
  for (const [k, v] of Object.entries(current)) {
    const value = Array.isArray(v) ? v[0] : v;
    if (value !== undefined && !(k in changes)) next.set(k, value);
  }
  for (const [k, v] of Object.entries(changes)) if (v !== null) next.set(k, v);
  const qs = next.toString();
  return `/models/${encodeURIComponent(model)}${qs ? `?${qs}` : ""}`;
}
