import { getDb, Prisma } from "../../db/client";
import { config } from "../../config";
import { loadChannel, toChannel } from "./channels";
import { deliverNow, processDeliveries } from "./deliver";
import { matchesAll } from "./matchers";
import { groupKeyOf, groupLabelsOf, payloadFor, type GroupMessage } from "./payloads";
import { silencer } from "./silences";
import { acksFor, ackKey } from "./acks";
import type { Channel, NotifyAlert } from "./types";

export type { NotifyAlert, Channel, ChannelType, Matcher, ChannelSettings } from "./types";
export { processDeliveries, startDeliveryWorker, stopDeliveryWorker } from "./deliver";
export { silencer } from "./silences";
export { acknowledge, acknowledgeAlert, unacknowledge, unacknowledgeAlert, acksFor, ackKey, type AckView } from "./acks";

export type NotifyResult = {
  /** fingerprint → id of the silence that muted it (not delivered anywhere) */
  silenced: Record<string, string>;
  /** messages queued (one per channel and changed group) */
  queued: number;
  /** of those, delivered on the first attempt (when `deliver` is on) */
  delivered: number;
};

/**
 * Delivers alerts to every enabled channel: the evaluator calls it after each cycle with the alerts that changed
 * or are still firing (Alertmanager's shape; labels include alertname, model_name, severity).
 *
 * Silenced alerts are dropped (and reported back). The rest are grouped per channel by its `groupBy` labels
 * (model and alert name by default), so 30 drifting features of one model are one message. A group is sent when
 * a new alert fires in it, when an alert it announced resolves, or when its repeat interval (webhook, Slack) or
 * resend interval (Alertmanager, which expires alerts not re-sent) has passed — repeats stop once all its firing
 * alerts are acknowledged; otherwise nothing is sent.
 * Messages go through the durable queue; with `deliver` (default) the first attempt happens before returning.
 */
export async function notify(alerts: NotifyAlert[], opts: { now?: Date; deliver?: boolean } = {}): Promise<NotifyResult> {
  const now = opts.now ?? new Date();
  const db = getDb();
  const isSilenced = await silencer(now);
  const silenced: Record<string, string> = {};
  const live: NotifyAlert[] = [];
  for (const a of alerts) {
    const by = a.status === "firing" ? isSilenced(a.labels) : null;
    if (by) silenced[a.fingerprint] = by;
    else live.push(a);
  }
  const channels = (await db.notificationChannel.findMany({ where: { enabled: true } })).map(toChannel);
  const acks = await acksFor(live.filter((a) => a.status === "firing"));
  const acked = (a: NotifyAlert) => acks.has(ackKey(a.fingerprint, a.startsAt));
  let queued = 0;
  for (const channel of channels) {
    const mine = live.filter((a) => matchesAll(channel.settings.matchers, a.labels));
    const groups = new Map<string, { labels: Record<string, string>; alerts: NotifyAlert[] }>();
    for (const a of mine) {
      const labels = groupLabelsOf(a, channel.settings.groupBy);
      const key = groupKeyOf(labels);
      const g = groups.get(key) ?? { labels, alerts: [] };
      g.alerts.push(a);
      groups.set(key, g);
    }
    for (const [key, g] of groups) if (await planGroup(channel, key, g.labels, g.alerts, now, acked)) queued++;
  }
  let delivered = 0;
  if (queued > 0 && opts.deliver !== false) delivered = (await processDeliveries({ now })).delivered;
  return { silenced, queued, delivered };
}

/** Decides whether one group goes to one channel now; queues the message and records what was sent. */
async function planGroup(
  channel: Channel,
  groupKey: string,
  groupLabels: Record<string, string>,
  alerts: NotifyAlert[],
  now: Date,
  acked: (a: NotifyAlert) => boolean,
) {
  const db = getDb();
  return db.$transaction(async (tx) => {
    const state = await tx.notificationGroup.findUnique({ where: { channelId_groupKey: { channelId: channel.id, groupKey } } });
    const known = new Set(state?.firing ?? []);
    const firing = alerts.filter((a) => a.status === "firing");
    const resolvedKnown = alerts.filter((a) => a.status === "resolved" && known.has(a.fingerprint));
    const isNew = firing.some((a) => !known.has(a.fingerprint));
    const sinceLast = state ? now.getTime() - state.lastSentAt.getTime() : Infinity;
    const interval = channel.type === "alertmanager" ? channel.settings.resendIntervalSeconds : channel.settings.repeatIntervalSeconds;
    // Reminders stop once every firing alert of the group is acknowledged (Alertmanager is still re-sent to:
    // it would otherwise expire the alerts).
    const remind = channel.type === "alertmanager" ? firing.length > 0 : firing.some((a) => !acked(a));
    const repeatDue = remind && sinceLast >= interval * 1000;
    const announceResolved = channel.type === "alertmanager" || channel.settings.sendResolved;
    const send = isNew || repeatDue || (resolvedKnown.length > 0 && announceResolved);
    // Alerts of the group that left without resolving (silenced meanwhile) are forgotten quietly.
    const stillKnown = firing.filter((a) => known.has(a.fingerprint)).map((a) => a.fingerprint);
    if (!send) {
      if (state && (stillKnown.length !== known.size || resolvedKnown.length > 0)) {
        await tx.notificationGroup.update({
          where: { channelId_groupKey: { channelId: channel.id, groupKey } },
          data: { firing: stillKnown },
        });
      }
      return false;
    }
    const sent = [...firing, ...(announceResolved ? resolvedKnown : [])];
    const msg: GroupMessage = { receiver: channel.name, groupKey, groupLabels, alerts: sent, externalURL: externalUrl() };
    await tx.notificationDelivery.create({
      data: {
        channelId: channel.id,
        groupKey,
        status: firing.length > 0 ? "firing" : "resolved",
        alertCount: sent.length,
        payload: payloadFor(channel, msg, now) as Prisma.InputJsonValue,
        nextAttemptAt: now,
      },
    });
    const firingNow = firing.map((a) => a.fingerprint);
    await tx.notificationGroup.upsert({
      where: { channelId_groupKey: { channelId: channel.id, groupKey } },
      create: { channelId: channel.id, groupKey, firing: firingNow, lastSentAt: now },
      update: { firing: firingNow, lastSentAt: now },
    });
    return true;
  });
}

function externalUrl() {
  return (config().publicUrl ?? "").replace(/\/$/, "");
}

/** A synthetic alert for the "send test" action. */
export function testAlert(now = new Date()): NotifyAlert {
  return {
    labels: { alertname: "DriftwatchTestNotification", model_name: "driftwatch-test", severity: "info" },
    annotations: { summary: "Test notification from Driftwatch: this channel is reachable." },
    status: "firing",
    startsAt: now,
    endsAt: null,
    generatorURL: `${externalUrl()}/alerts`,
    fingerprint: "0000000000000000",
  };
}

/** Sends a test message to one channel right away (one attempt) and returns its delivery row. */
export async function sendTest(channelId: string) {
  const channel = await loadChannel(channelId);
  const now = new Date();
  const alert = testAlert(now);
  const labels = groupLabelsOf(alert, channel.settings.groupBy);
  const groupKey = groupKeyOf(labels);
  // A test to Alertmanager ends soon so it does not linger there.
  const testChannel: Channel = channel.type === "alertmanager" ? { ...channel, settings: { ...channel.settings, resendIntervalSeconds: 15 } } : channel;
  const payload = payloadFor(testChannel, { receiver: channel.name, groupKey, groupLabels: labels, alerts: [alert], externalURL: externalUrl() }, now);
  const row = await getDb().notificationDelivery.create({
    data: { channelId, groupKey, kind: "test", status: "firing", alertCount: 1, payload: payload as Prisma.InputJsonValue, nextAttemptAt: now },
  });
  await deliverNow(row.id);
  return getDb().notificationDelivery.findUniqueOrThrow({ where: { id: row.id } });
}
