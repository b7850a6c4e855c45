"use client";
import { useState, useTransition } from "react";
import type { ChannelView, DeliveryView } from "@/lib/alerts/notify/channels";
import type { ChannelType } from "@/lib/alerts/notify/types";
import { ActionMessage, At, dangerButton, inputClass, labelClass, Pill, primaryButton, secondaryButton, type ActionResult } from "./ui";

export type ChannelInput = { name: string; type: ChannelType; url: string };
export type ChannelActions = {
  create: (input: ChannelInput) => Promise<ActionResult>;
  setEnabled: (id: string, enabled: boolean) => Promise<ActionResult>;
  remove: (id: string) => Promise<ActionResult>;
  test: (id: string) => Promise<ActionResult>;
};

const TYPES: { value: ChannelType; label: string; placeholder: string }[] = [
  { value: "webhook", label: "Webhook (JSON)", placeholder: "https://example.com/hooks/driftwatch" },
  { value: "slack", label: "Slack incoming webhook", placeholder: "https://hooks.slack.com/services/…" },
  { value: "alertmanager", label: "Alertmanager", placeholder: "http://alertmanager:9093" },
];
const typeLabel = (t: string) => TYPES.find((x) => x.value === t)?.label ?? t;

function ChannelForm({ create }: { create: ChannelActions["create"] }) {
  const [input, setInput] = useState<ChannelInput>({ name: "", type: "webhook", url: "" });
  const [result, setResult] = useState<ActionResult | null>(null);
  const [pending, start] = useTransition();
  return (
    <form
      aria-label="New channel"
      className="grid gap-3 sm:grid-cols-[1fr_1fr_2fr_auto] sm:items-end"
      onSubmit={(e) => {
        e.preventDefault();
        start(async () => {
          const r = await create(input);
          setResult(r);
          if (r.ok) setInput({ name: "", type: input.type, url: "" });
        });
      }}
    >
      <label>
        <span className={labelClass}>Name</span>
        <input className={inputClass} value={input.name} onChange={(e) => setInput({ ...input, name: e.target.value })} placeholder="ml-oncall" />
      </label>
      <label>
        <span className={labelClass}>Type</span>
        <select className={inputClass} value={input.type} onChange={(e) => setInput({ ...input, type: e.target.value as ChannelType })}>
          {TYPES.map((t) => (
            <option key={t.value} value={t.value}>
              {t.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span className={labelClass}>URL</span>
        <input className={inputClass} value={input.url} onChange={(e) => setInput({ ...input, url: e.target.value })} placeholder={TYPES.find((t) => t.value === input.type)?.placeholder} />
      </label>
      <button type="submit" className={primaryButton} disabled={pending}>
        {pending ? "Adding…" : "Add channel"}
      </button>
      <div className="sm:col-span-4">
        <ActionMessage result={result} />
      </div>
    </form>
  );
}

function DeliveryLog({ deliveries, name }: { deliveries: DeliveryView[]; name: string }) {
  if (deliveries.length === 0) return <p className="text-sm text-slate-600 dark:text-slate-400">Nothing sent yet.</p>;
  return (
    // Focusable so keyboard users can scroll it sideways on a phone.
    <div className="overflow-x-auto" tabIndex={0} role="region" aria-label={`Delivery log of ${name}`}>
      <table className="min-w-full text-xs">
        <caption className="sr-only">Delivery log</caption>
        <thead className="text-left text-slate-500 dark:text-slate-400">
          <tr>
            <th scope="col" className="py-1 pr-3 font-medium">Queued</th>
            <th scope="col" className="py-1 pr-3 font-medium">Message</th>
            <th scope="col" className="py-1 pr-3 font-medium">State</th>
            <th scope="col" className="py-1 pr-3 font-medium">Attempts</th>
            <th scope="col" className="py-1 font-medium">Result</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
          {deliveries.map((d) => (
            <tr key={d.id} data-testid="delivery">
              <td className="whitespace-nowrap py-1.5 pr-3 tabular-nums"><At iso={d.createdAt} /></td>
              <td className="py-1.5 pr-3">
                {d.kind === "test" ? "test" : `${d.status}, ${d.alertCount} alert${d.alertCount === 1 ? "" : "s"}`}
                <div className="font-mono text-[11px] break-all text-slate-500 dark:text-slate-400">{d.groupKey}</div>
              </td>
              <td className="py-1.5 pr-3">
                <Pill value={d.state} />
              </td>
              <td className="py-1.5 pr-3 tabular-nums">{d.attempts}</td>
              <td className="py-1.5 break-all">
                {d.state === "delivered" ? <>HTTP {d.responseCode} at <At iso={d.deliveredAt} /></> : (d.lastError ?? "—")}
                {d.nextAttemptAt && <div className="text-slate-500 dark:text-slate-400">next try <At iso={d.nextAttemptAt} /></div>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The notification channels: add one, send a test, pause, delete, and read each one's delivery log. */
export function Channels({ channels, deliveries, actions }: { channels: ChannelView[]; deliveries: Record<string, DeliveryView[]>; actions: ChannelActions }) {
  const [pending, start] = useTransition();
  const [result, setResult] = useState<ActionResult | null>(null);
  const run = (fn: () => Promise<ActionResult>) => start(async () => setResult(await fn()));
  return (
    <div className="space-y-4">
      <ChannelForm create={actions.create} />
      <ActionMessage result={result} />
      {channels.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">No channels yet: alerts are shown here but sent nowhere.</p>
      ) : (
        <ul className="space-y-3" aria-label="Channels">
          {channels.map((c) => (
            <li key={c.id} className="rounded-lg border border-slate-200 p-3 dark:border-slate-700" data-testid="channel">
              <div className="flex flex-wrap items-start justify-between gap-2">
                <div className="min-w-0">
                  <div className="flex flex-wrap items-center gap-2">
                    <span className="font-medium">{c.name}</span>
                    <Pill value={c.enabled ? "enabled" : "paused"} />
                    <span className="text-xs text-slate-600 dark:text-slate-400">{typeLabel(c.type)}</span>
                  </div>
                  <div className="mt-0.5 font-mono text-xs break-all text-slate-600 dark:text-slate-400">{c.url}</div>
                </div>
                <div className="flex flex-wrap gap-2">
                  <button type="button" className={secondaryButton} disabled={pending} onClick={() => run(() => actions.test(c.id))} aria-label={`Send test to ${c.name}`}>
                    Send test
                  </button>
                  <button type="button" className={secondaryButton} disabled={pending} onClick={() => run(() => actions.setEnabled(c.id, !c.enabled))} aria-label={`${c.enabled ? "Pause" : "Resume"} ${c.name}`}>
                    {c.enabled ? "Pause" : "Resume"}
                  </button>
                  <button
                    type="button"
                    className={dangerButton}
                    disabled={pending}
                    onClick={() => {
                      if (window.confirm(`Delete channel ${c.name} and its delivery log?`)) run(() => actions.remove(c.id));
                    }}
                    aria-label={`Delete ${c.name}`}
                  >
                    Delete
                  </button>
                </div>
              </div>
              <details className="mt-2">
                <summary className="cursor-pointer text-sm text-sky-800 dark:text-sky-300">
                  Delivery log
                  {c.lastDelivery && (
                    <span className="ml-2 text-slate-600 dark:text-slate-400">
                      (last: {c.lastDelivery.state}, <At iso={c.lastDelivery.createdAt} />)
                    </span>
                  )}
                </summary>
                <div className="mt-2">
                  <DeliveryLog deliveries={deliveries[c.id] ?? []} name={c.name} />
                </div>
              </details>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
