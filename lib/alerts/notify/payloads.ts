import type { Channel, NotifyAlert } from "./types";
import { own } from "../../domain/records";

/**
 * The bodies each channel type receives, built when a message is queued (so a retry sends the same bytes).
 * Pure: no I/O, the clock comes in as `now`.
 */

/** Alertmanager writes this for "no end" in its webhook payloads. */
const ZERO_TIME = "0001-01-01T00:00:00Z";

export type GroupMessage = {
  receiver: string;
  groupKey: string;
  groupLabels: Record<string, string>;
  alerts: NotifyAlert[];
  externalURL: string;
};

/** The labels a group is keyed by, e.g. {alertname, model_name}. */
export function groupLabelsOf(alert: NotifyAlert, groupBy: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of [...groupBy].sort()) out[name] = own(alert.labels, name) ?? "";
  return out;
}

/** Alertmanager's group key form: `{}:{alertname="X", model_name="m"}`. */
export function groupKeyOf(groupLabels: Record<string, string>): string {
  const parts = Object.keys(groupLabels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(groupLabels[k])}`);
  return `{}:{${parts.join(", ")}}`;
}

/** The labels (or annotations) every alert of the group shares with the same value. */
function common(maps: Record<string, string>[]): Record<string, string> {
  if (maps.length === 0) return {};
  const out: Record<string, string> = { ...maps[0] };
  for (const m of maps.slice(1)) for (const k of Object.keys(out)) if (m[k] !== out[k]) delete out[k];
  return out;
}

const statusOf = (alerts: NotifyAlert[]) => (alerts.some((a) => a.status === "firing") ? "firing" : "resolved");

/** Firing first, then by fingerprint: a stable order for receivers and tests. */
const ordered = (alerts: NotifyAlert[]) =>
  [...alerts].sort((a, b) => (a.status === b.status ? a.fingerprint.localeCompare(b.fingerprint) : a.status === "firing" ? -1 : 1));

/** Alertmanager's webhook_config body (version 4). */
export function webhookPayload(msg: GroupMessage) {
  const alerts = ordered(msg.alerts);
  return {
    version: "4",
    groupKey: msg.groupKey,
    truncatedAlerts: 0,
    status: statusOf(alerts),
    receiver: msg.receiver,
    groupLabels: msg.groupLabels,
    commonLabels: common(alerts.map((a) => a.labels)),
    commonAnnotations: common(alerts.map((a) => a.annotations)),
    externalURL: msg.externalURL,
    alerts: alerts.map((a) => ({
      status: a.status,
      labels: a.labels,
      annotations: a.annotations,
      startsAt: a.startsAt.toISOString(),
      endsAt: a.status === "resolved" ? (a.endsAt ?? a.startsAt).toISOString() : ZERO_TIME,
      generatorURL: a.generatorURL,
      fingerprint: a.fingerprint,
    })),
  };
}

/** Slack's mrkdwn needs &, < and > escaped. */
const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** A URL inside Slack's `<url|text>` link: the characters that would end it are percent-encoded. */
const slackUrl = (u: string) => u.replace(/[<>|]/g, (c) => encodeURIComponent(c));

/** Most alerts listed one by one in a Slack message; the rest are counted. */
export const SLACK_MAX_LISTED = 10;

/** Labels that name the alert rather than describe it, left out of the per-alert line. */
const NAMING = new Set(["alertname", "model_name", "severity"]);

/** A Slack incoming-webhook body: `text` (the notification fallback) and Block Kit `blocks`. */
export function slackPayload(msg: GroupMessage) {
  const alerts = ordered(msg.alerts);
  const firing = alerts.filter((a) => a.status === "firing");
  const status = statusOf(alerts);
  const cl = common(alerts.map((a) => a.labels));
  const ca = common(alerts.map((a) => a.annotations));
  const name = cl.alertname ?? msg.groupLabels.alertname ?? "alerts";
  const model = cl.model_name ?? msg.groupLabels.model_name;
  const head =
    status === "firing"
      ? `[FIRING:${firing.length}] ${name}${model ? ` — ${model}` : ""}`
      : `[RESOLVED] ${name}${model ? ` — ${model}` : ""}`;
  const resolvedCount = alerts.length - firing.length;
  const blocks: Record<string, unknown>[] = [{ type: "header", text: { type: "plain_text", text: head.slice(0, 150) } }];
  const summary = ca.summary ?? ca.description;
  const facts = [
    cl.severity ? `*Severity:* ${esc(cl.severity)}` : null,
    `*Firing:* ${firing.length}`,
    resolvedCount ? `*Resolved:* ${resolvedCount}` : null,
  ].filter(Boolean);
  const lead = [summary ? esc(summary) : null, facts.join("   ")].filter(Boolean).join("\n");
  blocks.push({ type: "section", text: { type: "mrkdwn", text: lead.slice(0, 3000) } });
  for (const a of alerts.slice(0, SLACK_MAX_LISTED)) {
    const distinct = Object.entries(a.labels)
      .filter(([k]) => !NAMING.has(k) && (alerts.length === 1 || cl[k] === undefined))
      .map(([k, v]) => `${k}=${v}`)
      .join(", ");
    const title = esc(distinct || a.labels.alertname || a.fingerprint);
    const link = a.generatorURL ? `<${slackUrl(a.generatorURL)}|${title}>` : title;
    const what = a.annotations.summary && a.annotations.summary !== summary ? ` — ${esc(a.annotations.summary)}` : "";
    const mark = a.status === "firing" ? ":red_circle:" : ":large_green_circle:";
    blocks.push({ type: "section", text: { type: "mrkdwn", text: `${mark} ${link}${what}`.slice(0, 3000) } });
  }
  if (alerts.length > SLACK_MAX_LISTED) {
    blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: `…and ${alerts.length - SLACK_MAX_LISTED} more` }] });
  }
  if (msg.externalURL) {
    blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: `<${slackUrl(msg.externalURL)}/alerts|Open Driftwatch alerts>` }] });
  }
  const text = `${head}${summary ? `: ${summary}` : ""}`;
  return { text, blocks };
}

/**
 * Alertmanager v2 `POST /api/v2/alerts` body. A firing alert is given an end four resend intervals ahead, as
 * Prometheus does, so Alertmanager resolves it by itself if Driftwatch stops re-sending; a resolved one its end.
 */
export function alertmanagerPayload(alerts: NotifyAlert[], now: Date, resendIntervalSeconds: number) {
  return ordered(alerts).map((a) => ({
    labels: a.labels,
    annotations: a.annotations,
    startsAt: a.startsAt.toISOString(),
    endsAt:
      a.status === "resolved"
        ? (a.endsAt ?? now).toISOString()
        : new Date(now.getTime() + 4 * resendIntervalSeconds * 1000).toISOString(),
    generatorURL: a.generatorURL,
  }));
}

/** The body for a channel; the Alertmanager body is an array, the others objects. */
export function payloadFor(channel: Channel, msg: GroupMessage, now: Date): unknown {
  if (channel.type === "slack") return slackPayload(msg);
  if (channel.type === "alertmanager") return alertmanagerPayload(msg.alerts, now, channel.settings.resendIntervalSeconds);
  return webhookPayload(msg);
}
