/**
 * Which rollup rows make up a rolling window, and how an SLO counts its events in them (pure). Windows end at a
 * whole minute E (the end of the minute in progress) and start a whole number of minutes before it; a window is
 * the all-versions hour rows of its whole hours plus the minute rows of its partial hours, so every event in it
 * is counted once and a 30-day window reads about 720 rows, not 43,200.
 */
import { ceilMs, floorMs, HOUR } from "../../domain/time";
import type { Slo, SliCounts } from "./objectives";
import { LATENCY_THRESHOLDS_MS } from "./objectives";

/** The few numbers of one rollup row (a minute summed over versions and segments, or an all-versions hour) an SLO reads. */
export type SloRow = {
  level: "m" | "h";
  bucket: number;
  /** requests */
  n: number;
  /** failed predictions */
  err: number;
  /** requests with a latency */
  lc: number;
  /** requests with a latency at most LATENCY_THRESHOLDS_MS[i], for the thresholds asked (keyed by i) */
  latencyGood: Record<number, number>;
  /** labelled predictions in the confusion counts, and those whose predicted class was the actual one */
  labelled: number;
  correct: number;
};

export type Interval = [from: number, to: number];

/** A window [start, end) as hour rows over `hours` and minute rows over `minutes`. */
export function splitWindow(start: number, end: number): { hours: Interval | null; minutes: Interval[] } {
  const hs = ceilMs(start, HOUR);
  const he = floorMs(end, HOUR);
  if (hs >= he) return { hours: null, minutes: [[start, end]] };
  return { hours: [hs, he], minutes: [[start, hs], [he, end]].filter(([a, b]) => a < b) as Interval[] };
}

/** Sorted, merged union of intervals. */
export function mergeIntervals(intervals: Interval[]): Interval[] {
  const sorted = intervals.filter(([a, b]) => a < b).sort((x, y) => x[0] - y[0]);
  const out: Interval[] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/** The row ranges to fetch so that every window [end − length, end) can be summed. */
export function rowsToFetch(end: number, lengths: number[]): { hours: Interval | null; minutes: Interval[] } {
  let hours: Interval | null = null;
  const minutes: Interval[] = [];
  for (const len of lengths) {
    const w = splitWindow(end - len, end);
    minutes.push(...w.minutes);
    if (w.hours) hours = hours ? [Math.min(hours[0], w.hours[0]), Math.max(hours[1], w.hours[1])] : w.hours;
  }
  return { hours, minutes: mergeIntervals(minutes) };
}

const within = (t: number, [a, b]: Interval) => t >= a && t < b;

/** The rows of the window [start, end), from rows fetched by rowsToFetch. */
export function rowsOfWindow(rows: readonly SloRow[], start: number, end: number): SloRow[] {
  const w = splitWindow(start, end);
  return rows.filter((r) => (r.level === "h" ? w.hours !== null && within(r.bucket, w.hours) : w.minutes.some((m) => within(r.bucket, m))));
}

/** Index of a latency threshold among the histogram bounds (-1 if it is not one). */
export const latencyIndex = (ms: number) => LATENCY_THRESHOLDS_MS.indexOf(ms);

/** An SLO's total and good events in some rows. */
export function sliCounts(slo: Slo, rows: readonly SloRow[]): SliCounts {
  let total = 0;
  let good = 0;
  const li = slo.kind === "latency" ? latencyIndex(slo.thresholdMs ?? NaN) : -1;
  for (const r of rows) {
    if (slo.kind === "availability") {
      total += r.n;
      good += r.n - r.err;
    } else if (slo.kind === "latency") {
      total += r.lc;
      good += r.latencyGood[li] ?? 0;
    } else {
      total += r.labelled;
      good += r.correct;
    }
  }
  return { total, good };
}
