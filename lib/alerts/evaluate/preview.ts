/**
 * The backtest: a draft rule replayed over the stored rollups of the last N days with the evaluator's own state
 * machine (`replay`), answering when it would have fired and resolved. Metrics are summed from the minute rollup
 * rows with a sliding window, evaluated every minute for windows up to an hour and every hour beyond; drift and
 * missing rate read the hourly feature rollups and are evaluated every hour.
 */
import { DAY, floorMs, HOUR, MINUTE } from "../../domain/time";
import { notFound } from "../../errors";
import { type Doc, MINMAX, mergeInto } from "../../rollups/documents";
import type { CreateRule } from "../rules/validation";
import { FEATURE_METRICS, PROFILE_METRICS } from "./cycle";
import { fetchFeatureRows, fetchMetricRows, loadModels, loadProfiles } from "./fetch";
import { replay, type Firing } from "./state";
import { measure, ruleValue } from "./values";
import { featureWindowDoc, windowEnd } from "./windows";

export const DEFAULT_PREVIEW_DAYS = 7;
export const MAX_PREVIEW_DAYS = 30;

export type PreviewFiring = { model: string; startsAt: string; endsAt: string | null };
export type PreviewResult = {
  from: string;
  to: string;
  /** how often the replay evaluated the rule */
  step: string;
  evaluations: number;
  firings: PreviewFiring[];
  /** firing time in total (a firing still open at the end counts until then), ms */
  firingMs: number;
  summary: string;
  models: { model: string; firings: number; firingMs: number; summary: string }[];
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** "48 minutes", "3 hours", "11.5 hours". */
export function durationText(ms: number): string {
  if (ms < HOUR) return plural(Math.round(ms / MINUTE), "minute");
  const h = Math.round((ms / HOUR) * 10) / 10;
  return `${h} hour${h === 1 ? "" : "s"}`;
}

/** "never fired", "fired once, 48 minutes in total", "fired 2 times, 3 hours in total (still firing)". */
export function summarise(firings: readonly Firing[], end: number): string {
  if (firings.length === 0) return "never fired";
  const total = firings.reduce((s, f) => s + ((f.endsAt ?? end) - f.startsAt), 0);
  const times = firings.length === 1 ? "once" : `${firings.length} times`;
  return `fired ${times}, ${durationText(total)} in total${firings.some((f) => f.endsAt === null) ? " (still firing)" : ""}`;
}

/** Subtracts `delta` from `doc` (counts and sums; min/max keys cannot be taken back and are not used by rules). */
function subtract(doc: Doc, delta: Doc) {
  for (const k in delta) if (!k.includes(MINMAX)) doc[k] = (doc[k] ?? 0) - delta[k];
}

/** Replays `rule` over the `days` before `now` for each model in its scope. */
export async function previewRule(rule: CreateRule, days: number, now = new Date()): Promise<PreviewResult> {
  const models = await loadModels(rule.model === null ? null : [rule.model]);
  if (rule.model !== null && models.length === 0) throw notFound(`No model '${rule.model}'.`);
  const W = rule.window * 1000;
  // the evaluator reads the minute rows whose minute starts inside the window: whole minutes of it
  const Wm = floorMs(W, MINUTE);
  const relative = rule.comparison === "increase_pct" || rule.comparison === "decrease_pct";
  const features = FEATURE_METRICS.has(rule.metric);
  const step = !features && W <= HOUR ? MINUTE : HOUR;
  const last = step === MINUTE ? windowEnd(now.getTime()) : floorMs(windowEnd(now.getTime()), HOUR);
  const first = last - days * DAY + step;
  const lookback = Math.max(W, Wm + MINUTE) * (relative ? 2 : 1);
  const dataFrom = floorMs(first - lookback, MINUTE);
  const ids = models.map((m) => m.id);

  const metricRows = await fetchMetricRows(ids, null, [[dataFrom, last]]);
  const featureRows = features ? await fetchFeatureRows(models, floorMs(first - lookback, HOUR), last) : new Map();
  const profiles = PROFILE_METRICS.has(rule.metric) ? await loadProfiles(models) : new Map();

  const out: PreviewResult = {
    from: new Date(first - step).toISOString(),
    to: new Date(last).toISOString(),
    step: step === MINUTE ? "1m" : "1h",
    evaluations: 0,
    firings: [],
    firingMs: 0,
    summary: "",
    models: [],
  };
  for (const model of models) {
    // one document per minute (versions and segments merged), then windows slid minute by minute
    const minutes = new Map<number, Doc>();
    for (const r of metricRows.get(model.id) ?? []) {
      const doc = minutes.get(r.bucket);
      if (doc) mergeInto(doc, r.data);
      else minutes.set(r.bucket, { ...r.data });
    }
    const current: Doc = {};
    const previous: Doc = {};
    const slide = (doc: Doc, start: number, end: number) => {
      // the window moves from [start − 1m, end − 1m) to [start, end)
      const enter = minutes.get(end - MINUTE);
      const leave = minutes.get(start - MINUTE);
      if (enter) mergeInto(doc, enter);
      if (leave) subtract(doc, leave);
    };
    const fill = (doc: Doc, start: number, end: number) => {
      for (let t = start; t < end; t += MINUTE) {
        const m = minutes.get(t);
        if (m) mergeInto(doc, m);
      }
    };
    const points: { at: number; value: number | null }[] = [];
    fill(current, first - Wm, first);
    if (relative) fill(previous, first - 2 * Wm, first - Wm);
    for (let end = first; end <= last; end += MINUTE) {
      if (end > first) {
        slide(current, end - Wm, end);
        if (relative) slide(previous, end - 2 * Wm, end - Wm);
      }
      if ((end - first) % step !== 0) continue;
      const fdocs = (s: number, e: number) => (features ? featureWindowDoc(featureRows.get(model.id) ?? [], s, e) : null);
      const profile = profiles.get(model.id) ?? null;
      const cur = measure(rule.metric, { metrics: current, features: fdocs(end - W, end) }, model, profile);
      const prev = relative ? measure(rule.metric, { metrics: previous, features: fdocs(end - 2 * W, end - W) }, model, profile) : null;
      points.push({ at: end, value: ruleValue(rule, cur, prev).value });
    }
    const firings = replay({ metric: rule.metric, comparison: rule.comparison, threshold: rule.threshold, forSeconds: rule.for }, points);
    const firingMs = firings.reduce((s, f) => s + ((f.endsAt ?? last) - f.startsAt), 0);
    out.evaluations = points.length;
    out.firings.push(...firings.map((f) => ({ model: model.id, startsAt: new Date(f.startsAt).toISOString(), endsAt: f.endsAt === null ? null : new Date(f.endsAt).toISOString() })));
    out.firingMs += firingMs;
    out.models.push({ model: model.id, firings: firings.length, firingMs, summary: summarise(firings, last) });
  }
  out.firings.sort((a, b) => a.startsAt.localeCompare(b.startsAt) || a.model.localeCompare(b.model));
  const all = out.firings.map((f) => ({ startsAt: Date.parse(f.startsAt), endsAt: f.endsAt === null ? null : Date.parse(f.endsAt) }));
  const firingModels = out.models.filter((m) => m.firings > 0).length;
  out.summary = summarise(all, last) + (rule.model === null ? ` across ${plural(firingModels, "model")} of ${models.length}` : "");
  return out;
}
