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
