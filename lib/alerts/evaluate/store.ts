import { getDb, Prisma } from "../../db/client";
import { unprocessable } from "../../errors";
import { ALERT_STATES, type AlertState } from "./state";

/** An alert as GET /api/v1/alerts returns it, with its state history (oldest first). */
export type AlertView = {
  id: string;
  rule: string;
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
};

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
  return rows.map((r) => ({
    id: String(r.id),
    rule: r.ruleId,
    alertname: r.rule.name,
    model: r.modelId,
    severity: r.rule.severity,
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
  }));
}

/** Firing alerts per alertname, severity and model (the ml_alerts_firing gauge). */
export async function firingCounts(): Promise<{ alertname: string; severity: string; model: string; count: number }[]> {
  return getDb().$queryRaw<{ alertname: string; severity: string; model: string; count: number }[]>(Prisma.sql`
    SELECT r.name AS alertname, r.severity, a.model_id AS model, count(*)::int AS count
    FROM alerts a JOIN alert_rules r ON r.id = a.rule_id
    WHERE a.state = 'firing'
    GROUP BY r.name, r.severity, a.model_id
    ORDER BY 1, 2, 3`);
}
