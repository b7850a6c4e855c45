/**
 * Which stored rollup rows make up a rule's window, and their merged documents (pure). A rule evaluated at `now`
 * looks at the window [E − window, E) where E is the end of the minute in progress (as the SLOs): the
 * all-versions hour rows of its whole hours plus the minute rows (every version and segment) of the rest, so each
 * event is counted once. Feature rollups are hourly: a window's feature document is every hour it touches.
 */
import { ceilMs, floorMs, HOUR, MINUTE } from "../../domain/time";
import { type Doc, mergeInto } from "../../rollups/documents";
import { splitWindow } from "../slo/windows";

/** A stored metrics row: level "h" (all versions and segments) or "m" (one version × segment). */
export type MetricRow = { level: "m" | "h"; bucket: number; data: Doc };
/** A stored feature row (hourly, binned on the model's current reference). */
export type FeatureRow = { bucket: number; data: Doc };

/** The end of every window evaluated at `now`: the end of the minute in progress. */
export const windowEnd = (now: number) => ceilMs(now + 1, MINUTE);

const within = (t: number, [a, b]: [number, number]) => t >= a && t < b;

/**
 * Remembers a fold of hour rows under `key` (the model and the hours): `fold()` the first time, then the same
 * document while `rows` are the same row objects (the evaluator's row cache hands out a new object for a row that
 * changed). The caller copies what it gets before adding to it.
 */
export type HourFold = (key: string, rows: readonly MetricRow[], fold: () => Doc) => Doc;

/**
 * The merged metrics document of [start, end) from rows that cover it (a fresh object: rows are not changed). Rows
 * come hour rows first (key order), so the document is the hour rows' fold continued with the minute rows; with
 * `hourFold` that first part is remembered between cycles (a day's window re-adds 23 hour documents otherwise).
 */
export function metricWindowDoc(rows: readonly MetricRow[], start: number, end: number, hourFold?: { model: string; memo: HourFold }): Doc {
  const w = splitWindow(start, end);
  let doc: Doc = {};
  if (w.hours) {
    const span = w.hours;
    const hours = rows.filter((r) => r.level === "h" && within(r.bucket, span));
    const fold = () => {
      const d: Doc = {};
      for (const r of hours) mergeInto(d, r.data);
      return d;
    };
    doc = hourFold && hours.length > 0 ? { ...hourFold.memo(`${hourFold.model}\u0000${span[0]}\u0000${span[1]}`, hours, fold) } : fold();
  }
  for (const r of rows) if (r.level === "m" && w.minutes.some((m) => within(r.bucket, m))) mergeInto(doc, r.data);
  return doc;
}

/** The hours a window [start, end) touches, as [first hour, end). */
export const featureSpan = (start: number, end: number): [number, number] => [floorMs(start, HOUR), end];

/** The merged feature document of the hours [start, end) touches. */
export function featureWindowDoc(rows: readonly FeatureRow[], start: number, end: number): Doc {
  const span = featureSpan(start, end);
  const doc: Doc = {};
  for (const r of rows) if (within(r.bucket, span)) mergeInto(doc, r.data);
  return doc;
}
