import { ApiError } from "../../errors";
import { getDb } from "../../db/client";

export type AckView = { fingerprint: string; startsAt: string; ackedBy: string; comment: string; ackedAt: string };

/** Acknowledges one incident of an alert (its fingerprint and start); acknowledging again updates who and why. */
export async function acknowledge(input: { fingerprint: string; startsAt: Date; ackedBy?: string; comment?: string }): Promise<AckView> {
  const row = await getDb().alertAck.upsert({
    where: { fingerprint_startsAt: { fingerprint: input.fingerprint, startsAt: input.startsAt } },
    create: { fingerprint: input.fingerprint, startsAt: input.startsAt, ackedBy: input.ackedBy ?? "", comment: input.comment ?? "" },
    update: { ackedBy: input.ackedBy ?? "", comment: input.comment ?? "", ackedAt: new Date() },
  });
  return view(row);
}

export async function unacknowledge(fingerprint: string, startsAt: Date): Promise<boolean> {
  const { count } = await getDb().alertAck.deleteMany({ where: { fingerprint, startsAt } });
  return count > 0;
}

/** The acknowledgements of these alerts, keyed `fingerprint@startsAt-ISO`. */
export async function acksFor(alerts: { fingerprint: string; startsAt: Date }[]): Promise<Map<string, AckView>> {
  if (alerts.length === 0) return new Map();
  const rows = await getDb().alertAck.findMany({ where: { fingerprint: { in: [...new Set(alerts.map((a) => a.fingerprint))] } } });
  const out = new Map<string, AckView>();
  for (const r of rows) out.set(ackKey(r.fingerprint, r.startsAt), view(r));
  return out;
}

export const ackKey = (fingerprint: string, startsAt: Date | string) =>
  `${fingerprint}@${typeof startsAt === "string" ? new Date(startsAt).toISOString() : startsAt.toISOString()}`;

const view = (r: { fingerprint: string; startsAt: Date; ackedBy: string; comment: string; ackedAt: Date }): AckView => ({
  fingerprint: r.fingerprint,
  startsAt: r.startsAt.toISOString(),
  ackedBy: r.ackedBy,
  comment: r.comment,
  ackedAt: r.ackedAt.toISOString(),
});

/**
 * Acknowledges the current incident of the alert with this id (POST /api/v1/alerts/{id}/acknowledge and the alerts
 * page): only a firing alert has one (its fingerprint and start); 404 for an unknown id, 409 when it is not firing.
 */
export async function acknowledgeAlert(id: string, input: { ackedBy?: string; comment?: string } = {}): Promise<AckView & { alertname: string; model: string }> {
  const alert = await firingAlertOf(id);
  return { ...(await acknowledge({ fingerprint: alert.fingerprint, startsAt: alert.firedAt, ...input })), alertname: alert.alertname, model: alert.modelId };
}

/** Takes back the acknowledgement of the alert's current incident; false when it had none. */
export async function unacknowledgeAlert(id: string): Promise<{ removed: boolean; alertname: string; model: string }> {
  const alert = await firingAlertOf(id);
  return { removed: await unacknowledge(alert.fingerprint, alert.firedAt), alertname: alert.alertname, model: alert.modelId };
}

async function firingAlertOf(id: string) {
  if (!/^[0-9]{1,18}$/.test(id)) throw new ApiError(404, "not_found", "No alert has that id.");
  const alert = await getDb().alert.findUnique({ where: { id: BigInt(id) }, include: { rule: { select: { name: true } } } });
  if (!alert) throw new ApiError(404, "not_found", "No alert has that id.");
  const alertname = alert.rule?.name ?? String((alert.labels as Record<string, unknown> | null)?.alertname ?? "");
  if (alert.state !== "firing" || !alert.firedAt) {
    throw new ApiError(409, "not_firing", `Only a firing alert can be acknowledged; this one is ${alert.state}.`);
  }
  return { fingerprint: alert.fingerprint, firedAt: alert.firedAt, alertname, modelId: alert.modelId };
}
