import { Prisma, rawQuery } from "../../db/client";
import { firingCounts } from "./store";
import { firingIntervals, type FiringInterval, type TransitionRow } from "./intervals";
import type { AlertState } from "./state";

/** A model's alert as the model page shows it: the rule's condition beside the alert's last value. */
export type ModelAlert = {
  id: string;
  rule: string;
  alertname: string;
  severity: string;
  state: AlertState;
  metric: string;
  comparison: string;
  threshold: number;
  windowSeconds: number;
  /** the metric's value at the last evaluation (as GET /api/v1/alerts gives it) */
  value: number | null;
  /** firing: when it fired; pending: when the condition started to hold */
  since: string | null;
  /** the firing intervals overlapping the asked range, clipped to it (ms) */
  intervals: FiringInterval[];
};

export type ModelAlertTimeline = {
  /** firing first, then pending; critical before warning, then the longest-running first */
  active: ModelAlert[];
  /** every alert that fired within the range (the chart bands), active or not */
  fired: ModelAlert[];
};

type Row = {
  id: string;
  rule_id: string;
  name: string;
  severity: string;
  state: AlertState;
  metric: string;
  comparison: string;
  threshold: number;
  window_seconds: number;
  value: number | null;
  active_ms: number | null;
  fired_ms: number | null;
  at_ms: number | null;
  t_from: string | null;
  t_to: string | null;
};

const SEVERITY_RANK: Record<string, number> = { critical: 0, warning: 1 };

/**
 * One model's alerts for the model page, in one statement: each alert (state, value, its rule's condition) with its
 * transitions inside [from, to) plus the last one before `from` (whether it was firing when the range began), so the
 * page reads a handful of rows however long the alert's history is (index alert_transitions (alert_id, at)).
 * States and values are the alerts rows GET /api/v1/alerts lists.
 */
export async function modelAlertTimeline(model: string, range: { from: Date; to: Date; now: Date }): Promise<ModelAlertTimeline> {
  const { from, to } = range;
  const rows = await rawQuery<Row>(Prisma.sql`
    SELECT a.id::text AS id, a.rule_id, r.name, r.severity, a.state, r.metric, r.comparison, r.threshold, r.window_seconds, a.value,
           extract(epoch FROM a.active_at) * 1000 AS active_ms, extract(epoch FROM a.fired_at) * 1000 AS fired_ms,
           extract(epoch FROM t.at) * 1000 AS at_ms, t."from" AS t_from, t."to" AS t_to
    FROM alerts a
    JOIN alert_rules r ON r.id = a.rule_id
    LEFT JOIN LATERAL (
      (SELECT x.at, x.id, x."from", x."to" FROM alert_transitions x
        WHERE x.alert_id = a.id AND x.at < ${from} ORDER BY x.at DESC, x.id DESC LIMIT 1)
      UNION ALL
      SELECT x.at, x.id, x."from", x."to" FROM alert_transitions x
        WHERE x.alert_id = a.id AND x.at >= ${from} AND x.at < ${to}
    ) t ON true
    WHERE a.model_id = ${model}
    ORDER BY a.id, t.at, t.id`);
  const byAlert = new Map<string, { row: Row; transitions: TransitionRow[] }>();
  for (const r of rows) {
    const entry = byAlert.get(r.id) ?? { row: r, transitions: [] };
    byAlert.set(r.id, entry);
    if (r.at_ms !== null && r.t_from !== null && r.t_to !== null) entry.transitions.push({ at: Number(r.at_ms), from: r.t_from, to: r.t_to });
  }
  const now = range.now.getTime();
  const alerts: ModelAlert[] = [...byAlert.values()].map(({ row: r, transitions }) => {
    const sinceMs = r.state === "firing" ? r.fired_ms : r.state === "pending" ? r.active_ms : null;
    return {
      id: r.id,
      rule: r.rule_id,
      alertname: r.name,
      severity: r.severity,
      state: r.state,
      metric: r.metric,
      comparison: r.comparison,
      threshold: Number(r.threshold),
      windowSeconds: Number(r.window_seconds),
      value: r.value === null ? null : Number(r.value),
      since: sinceMs === null ? null : new Date(Number(sinceMs)).toISOString(),
      intervals: firingIntervals(transitions, from.getTime(), to.getTime(), now),
    };
  });
  const sinceOf = (a: ModelAlert) => (a.since ? Date.parse(a.since) : Infinity);
  const active = alerts
    .filter((a) => a.state === "firing" || a.state === "pending")
    .sort((a, b) => Number(a.state !== "firing") - Number(b.state !== "firing") || (SEVERITY_RANK[a.severity] ?? 9) - (SEVERITY_RANK[b.severity] ?? 9) || sinceOf(a) - sinceOf(b) || a.alertname.localeCompare(b.alertname));
  const fired = alerts.filter((a) => a.intervals.length > 0).sort((a, b) => a.intervals[0].start - b.intervals[0].start || a.alertname.localeCompare(b.alertname));
  return { active, fired };
}

/** A model's firing alerts on the overview: how many, the worst severity, and their names. */
export type FiringSummary = { count: number; severity: string; names: string[] };

/** Firing alerts per model (from firingCounts, the query behind ml_alerts_firing), worst severity first. */
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
