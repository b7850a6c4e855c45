import { Prisma, rawQuery } from "../../db/client";
import { BURN_RATE_ROWS } from "../slo/objectives";
import { firingCounts } from "./store";
import type { AlertState } from "./state";

/** A span during which an alert fired (ms), clipped to the asked range; `open` while it still fires. */
export type FiringInterval = { start: number; end: number; open: boolean };

/** A model's alert as the model page shows it: the rule's condition beside the alert's last value. */
export type ModelAlert = {
  id: string;
  /** the rule's id; null for an SLO burn-rate alert */
  rule: string | null;
  /** an SLO burn-rate alert's SLO and row ("1h/5m"), null for a rule alert */
  slo: { name: string; window: string } | null;
  alertname: string;
  /** what the page calls it: the alertname, or for an SLO alert "SLOBurnRate <slo> <windows>" (alertnames repeat there) */
  label: string;
  /** critical | warning for rules, page | ticket for SLO burn rates */
  severity: string;
  state: AlertState;
  /** the rule's metric; "slo_burn_rate" for an SLO alert (comparison ">", threshold its row's factor, window its long one) */
  metric: string;
  comparison: string;
  threshold: number;
  windowSeconds: number;
  /** the metric's value at the last evaluation (as GET /api/v1/alerts gives it) */
  value: number | null;
  /** firing: when it fired; pending: when the condition started to hold */
  since: string | null;
  /** when it last fired and last resolved (kept while it is inactive or pending again) */
  firedAt: string | null;
  resolvedAt: string | null;
  /** the firing intervals overlapping the asked range, clipped to it (ms) */
  intervals: FiringInterval[];
};

export type ModelAlertTimeline = {
  /** firing first, then pending; critical before warning, then the longest-running first */
  active: ModelAlert[];
  /** every alert that fired within the range (the chart bands), active or not */
  fired: ModelAlert[];
  /** alerts whose last incident resolved within the range and that have not become active again, newest first */
  resolved: ModelAlert[];
};

type AlertRow = {
  id: string;
  rule_id: string | null;
  slo: string | null;
  burn_window: string | null;
  name: string;
  severity: string;
  state: AlertState;
  metric: string;
  comparison: string;
  threshold: number | null;
  window_seconds: number | null;
  value: number | null;
  active_at: Date | null;
  fired_at: Date | null;
  resolved_at: Date | null;
};
type IntervalRow = { alert_id: string; start_ms: number; end_ms: number; open: boolean };

const SEVERITY_RANK: Record<string, number> = { critical: 0, page: 0, warning: 1, ticket: 1 };

/** The firing intervals' statement of modelAlertTimeline (exported for bench/model-alerts' EXPLAIN). */
export function intervalsSql(model: string, range: { from: Date; to: Date; now: Date; gapMs?: number }): Prisma.Sql {
  const { from, to, now } = range;
  const gap = Math.max(0, range.gapMs ?? 0) / 1000;
  return Prisma.sql`
    WITH tr AS (
      SELECT a.id AS alert_id, a.state, t.at, t.id AS tid, t."to"
      FROM alerts a
      CROSS JOIN LATERAL (
        (SELECT x.at, x.id, x."to" FROM alert_transitions x
          WHERE x.alert_id = a.id AND x.at < ${from} ORDER BY x.at DESC, x.id DESC LIMIT 1)
        UNION ALL
        SELECT x.at, x.id, x."to" FROM alert_transitions x
          WHERE x.alert_id = a.id AND x.at >= ${from} AND x.at < ${to}
      ) t
      WHERE a.model_id = ${model}
    ), spans AS (
      SELECT alert_id, state, "to", at AS s, lead(at) OVER (PARTITION BY alert_id ORDER BY at, tid) AS e FROM tr
    ), firing AS (
      SELECT alert_id, greatest(s, ${from}) AS s, least(coalesce(e, greatest(s, ${now})), ${to}) AS e,
             e IS NULL AND state = 'firing' AS open
      FROM spans WHERE "to" = 'firing' AND coalesce(e, greatest(s, ${now})) >= ${from}
    ), flagged AS (
      SELECT *, CASE WHEN s - lag(e) OVER w <= make_interval(secs => ${gap}) THEN 0 ELSE 1 END AS brk
      FROM firing WINDOW w AS (PARTITION BY alert_id ORDER BY s)
    ), grouped AS (
      SELECT *, sum(brk) OVER (PARTITION BY alert_id ORDER BY s ROWS UNBOUNDED PRECEDING) AS g FROM flagged
    )
    SELECT alert_id::text AS alert_id, extract(epoch FROM min(s)) * 1000 AS start_ms, extract(epoch FROM max(e)) * 1000 AS end_ms, bool_or(open) AS open
    FROM grouped GROUP BY alert_id, g ORDER BY 2`;
}

/**
 * One model's alerts for the model page, in two small statements run side by side: the alerts (state, value, the
 * rule's condition; the rows GET /api/v1/alerts lists), and their firing intervals in [from, to). The intervals are
 * built in the database from each alert's transitions inside the range plus the last one before `from` (whether it
 * was firing when the range began; index alert_transitions (alert_id, at)): a span starts at a transition into
 * firing and ends at the next transition (only resolved leaves firing) or `now`, clipped to the range (`open`: still
 * firing now), and spans of one alert closer than `gapMs` (the chart's bucket) are merged, so a flapping alert sends
 * at most about one row per bucket, not one per flap.
 */
export async function modelAlertTimeline(model: string, range: { from: Date; to: Date; now: Date; gapMs?: number }): Promise<ModelAlertTimeline> {
  const [alertRows, intervalRows] = await Promise.all([
    rawQuery<AlertRow>(Prisma.sql`
      SELECT a.id::text AS id, a.rule_id, a.slo, a.burn_window, coalesce(r.name, a.labels ->> 'alertname') AS name,
             coalesce(r.severity, a.labels ->> 'severity') AS severity, a.state, coalesce(r.metric, 'slo_burn_rate') AS metric,
             coalesce(r.comparison, '>') AS comparison, r.threshold, r.window_seconds, a.value, a.active_at, a.fired_at, a.resolved_at
      FROM alerts a LEFT JOIN alert_rules r ON r.id = a.rule_id
      WHERE a.model_id = ${model}`),
    rawQuery<IntervalRow>(intervalsSql(model, range)),
  ]);
  const intervals = new Map<string, FiringInterval[]>();
  for (const r of intervalRows) {
    const list = intervals.get(r.alert_id) ?? [];
    list.push({ start: Number(r.start_ms), end: Number(r.end_ms), open: r.open });
    intervals.set(r.alert_id, list);
  }
  const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
  const alerts: ModelAlert[] = alertRows.map((r) => {
    const slo = r.rule_id === null ? { name: r.slo ?? "", window: r.burn_window ?? "" } : null;
    const row = slo ? BURN_RATE_ROWS.find((b) => `${b.longWindow}/${b.shortWindow}` === slo.window) : undefined;
    return {
      id: r.id,
      rule: r.rule_id,
      slo,
      alertname: r.name,
      label: slo ? `${r.name} ${slo.name} ${slo.window}` : r.name,
      severity: r.severity,
      state: r.state,
      metric: r.metric,
      comparison: r.comparison,
      threshold: slo ? (row?.factor ?? NaN) : Number(r.threshold),
      windowSeconds: slo ? (row?.longMs ?? 0) / 1000 : Number(r.window_seconds),
      value: r.value === null ? null : Number(r.value),
      since: r.state === "firing" ? iso(r.fired_at) : r.state === "pending" ? iso(r.active_at) : null,
      firedAt: iso(r.fired_at),
      resolvedAt: iso(r.resolved_at),
      intervals: intervals.get(r.id) ?? [],
    };
  });
  const sinceOf = (a: ModelAlert) => (a.since ? Date.parse(a.since) : Infinity);
  const active = alerts
    .filter((a) => a.state === "firing" || a.state === "pending")
    .sort((a, b) => Number(a.state !== "firing") - Number(b.state !== "firing") || (SEVERITY_RANK[a.severity] ?? 9) - (SEVERITY_RANK[b.severity] ?? 9) || sinceOf(a) - sinceOf(b) || a.label.localeCompare(b.label));
  const fired = alerts.filter((a) => a.intervals.length > 0).sort((a, b) => a.intervals[0].start - b.intervals[0].start || a.label.localeCompare(b.label));
  const resolvedAt = (a: ModelAlert) => (a.resolvedAt ? Date.parse(a.resolvedAt) : NaN);
  const resolved = alerts
    .filter((a) => a.state === "resolved" && resolvedAt(a) >= range.from.getTime() && resolvedAt(a) <= range.to.getTime())
    .sort((a, b) => resolvedAt(b) - resolvedAt(a) || a.label.localeCompare(b.label));
  return { active, fired, resolved };
}

/** A model's firing alerts on the overview: how many, the worst severity, and their names. */
export type FiringSummary = { count: number; severity: string; names: string[] };

/** Firing alerts per model (from firingCounts, the query behind ml_alerts_firing: rule and SLO burn-rate alerts), worst severity first. */
export async function firingByModel(): Promise<Map<string, FiringSummary>> {
  const out = new Map<string, FiringSummary>();
  for (const r of await firingCounts()) {
    const s = out.get(r.model) ?? { count: 0, severity: r.severity, names: [] };
    s.count += r.count;
    if ((SEVERITY_RANK[r.severity] ?? 9) < (SEVERITY_RANK[s.severity] ?? 9)) s.severity = r.severity;
    if (!s.names.includes(r.alertname)) s.names.push(r.alertname);
    out.set(r.model, s);
  }
  return out;
}
