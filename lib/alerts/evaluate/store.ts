import { getDb, Prisma } from "../../db/client";
import { unprocessable } from "../../errors";
import { acksFor, ackKey } from "../notify/acks";
import { ALERT_STATES, type AlertState } from "./state";

/** An alert as GET /api/v1/alerts returns it, with its state history (oldest first). */
export type AlertView = {
  id: string;
  /** where the alert comes from: a rule, or one burn-rate row of an SLO */
  source: "rule" | "slo";
  /** the rule's id (null for an SLO alert) */
  rule: string | null;
  /** an SLO alert's SLO and burn-rate row ("1h/5m"), null for a rule alert */
  slo: { name: string; window: string } | null;
  alertname: string;
  model: string;
  severity: string;
  state: AlertState;
  labels: Record<string, string>;
  fingerprint: string;
  value: number | null;
  samples: number;
  activeAt: string | null;
  firedAt: string | null;
  resolvedAt: string | null;
  lastEvaluatedAt: string;
  history: { at: string; from: AlertState; to: AlertState; value: number | null }[];
  /** a firing alert's acknowledgement of its current incident (POST /api/v1/alerts/{id}/acknowledge), else null */
  acknowledgement: { by: string; at: string; comment: string } | null;
};

const labelOf = (labels: unknown, name: string) => String((labels as Record<string, unknown> | null)?.[name] ?? "");
const iso = (d: Date | null) => (d === null ? null : d.toISOString());
/** Most transitions returned per alert (the newest). */
export const HISTORY_LIMIT = 100;

/**
 * Alerts that have left inactive at least once (an alert row exists from its first pending or firing), firing
 * first, then pending, resolved and inactive, newest change first; filtered by `model`, `state`, `rule`.
 */
export async function listAlerts(filter: { model?: string | null; state?: string | null; rule?: string | null } = {}): Promise<AlertView[]> {
  if (filter.state && !(ALERT_STATES as readonly string[]).includes(filter.state)) {
    throw unprocessable("Invalid query.", [{ path: "state", message: `must be one of ${ALERT_STATES.join(", ")}` }]);
  }
  const rows = await getDb().alert.findMany({
    where: {
      ...(filter.model ? { modelId: filter.model } : {}),
      ...(filter.state ? { state: filter.state } : {}),
      ...(filter.rule ? { ruleId: filter.rule } : {}),
    },
    include: {
      rule: { select: { name: true, severity: true } },
      transitions: { orderBy: [{ at: "desc" }, { id: "desc" }], take: HISTORY_LIMIT },
    },
  });
  const rank: Record<string, number> = { firing: 0, pending: 1, resolved: 2, inactive: 3 };
  const changed = (r: (typeof rows)[number]) => r.transitions[0]?.at.getTime() ?? 0;
  rows.sort((a, b) => rank[a.state] - rank[b.state] || changed(b) - changed(a) || Number(a.id - b.id));
  const firing = rows.flatMap((r) => (r.state === "firing" && r.firedAt ? [{ fingerprint: r.fingerprint, startsAt: r.firedAt }] : []));
  const acks = await acksFor(firing);
  const ackOf = (r: (typeof rows)[number]) => {
    const a = r.state === "firing" && r.firedAt ? acks.get(ackKey(r.fingerprint, r.firedAt)) : undefined;
    return a ? { by: a.ackedBy, at: a.ackedAt, comment: a.comment } : null;
  };
  return rows.map((r) => ({
    id: String(r.id),
    source: r.ruleId !== null ? "rule" : "slo",
    rule: r.ruleId,
    slo: r.ruleId === null ? { name: r.slo ?? "", window: r.burnWindow ?? "" } : null,
    alertname: r.rule?.name ?? labelOf(r.labels, "alertname"),
    model: r.modelId,
    severity: r.rule?.severity ?? labelOf(r.labels, "severity"),
    state: r.state as AlertState,
    labels: r.labels as Record<string, string>,
    fingerprint: r.fingerprint,
    value: r.value,
    samples: r.samples,
    activeAt: iso(r.activeAt),
    firedAt: iso(r.firedAt),
    resolvedAt: iso(r.resolvedAt),
    lastEvaluatedAt: r.lastEvaluatedAt.toISOString(),
    history: r.transitions.reverse().map((t) => ({ at: t.at.toISOString(), from: t.from as AlertState, to: t.to as AlertState, value: t.value })),
    acknowledgement: ackOf(r),
  }));
}

/** Firing alerts per alertname, severity and model (the ml_alerts_firing gauge): rule alerts and SLO burn-rate alerts. */
export async function firingCounts(): Promise<{ alertname: string; severity: string; model: string; count: number }[]> {
  return getDb().$queryRaw<{ alertname: string; severity: string; model: string; count: number }[]>(Prisma.sql`
    SELECT coalesce(r.name, a.labels ->> 'alertname') AS alertname, coalesce(r.severity, a.labels ->> 'severity') AS severity,
           a.model_id AS model, count(*)::int AS count
    FROM alerts a LEFT JOIN alert_rules r ON r.id = a.rule_id
    WHERE a.state = 'firing'
    GROUP BY 1, 2, 3
    ORDER BY 1, 2, 3`);
}
