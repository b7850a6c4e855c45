"use client";
import Link from "next/link";
import { useState, useTransition } from "react";
import type { Matcher } from "@/lib/alerts/notify/types";
import { SilenceForm, type SilenceInput } from "./SilenceForm";
import { ActionMessage, formatTime, Pill, secondaryButton, type ActionResult } from "./ui";

/** One alert as the page shows it (the page maps the evaluator's alerts to this). */
export type AlertRow = {
  fingerprint: string;
  /** firing | pending | resolved; "silenced" is derived from silences */
  state: string;
  silencedBy: string | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string | null;
  endsAt: string | null;
  value: number | null;
  ack: { ackedBy: string; ackedAt: string } | null;
  history: { state: string; at: string; value?: number | null }[];
};

export type AlertActions = {
  acknowledge: (fingerprint: string, startsAt: string) => Promise<ActionResult>;
  unacknowledge: (fingerprint: string, startsAt: string) => Promise<ActionResult>;
  silence: (input: SilenceInput) => Promise<ActionResult>;
};

const SECTIONS = [
  { id: "firing", label: "Firing" },
  { id: "pending", label: "Pending" },
  { id: "silenced", label: "Silenced" },
  { id: "resolved", label: "Resolved" },
] as const;

const sectionOf = (a: AlertRow) => (a.silencedBy && a.state === "firing" ? "silenced" : a.state);

/** Matchers that pick out this alert: its name, model and the labels beyond severity. */
function matchersFor(a: AlertRow): Matcher[] {
  return Object.entries(a.labels)
    .filter(([k]) => k !== "severity")
    .map(([name, value]) => ({ name, op: "=", value }));
}

function AlertItem({ a, actions }: { a: AlertRow; actions: AlertActions }) {
  const [silencing, setSilencing] = useState(false);
  const [pending, start] = useTransition();
  const [result, setResult] = useState<ActionResult | null>(null);
  const name = a.labels.alertname ?? a.fingerprint;
  const model = a.labels.model_name;
  const extra = Object.entries(a.labels).filter(([k]) => !["alertname", "model_name", "severity"].includes(k));
  return (
    <li className="py-3" data-testid="alert" data-fingerprint={a.fingerprint}>
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0 space-y-1">
          <div className="flex flex-wrap items-center gap-2">
            <Pill value={sectionOf(a)} />
            {a.labels.severity && <Pill value={a.labels.severity} />}
            <span className="font-medium break-all">{name}</span>
            {model && (
              <Link href={`/models/${encodeURIComponent(model)}`} className="text-sm text-sky-800 underline-offset-2 hover:underline dark:text-sky-300">
                {model}
              </Link>
            )}
            {a.ack && <Pill value="acknowledged" label={`acknowledged${a.ack.ackedBy ? ` by ${a.ack.ackedBy}` : ""}`} />}
          </div>
          {a.annotations.summary && <p className="text-sm text-slate-700 dark:text-slate-300">{a.annotations.summary}</p>}
          <p className="text-xs text-slate-600 dark:text-slate-400">
            {extra.map(([k, v]) => `${k}=${v}`).join(", ")}
            {extra.length > 0 && " · "}
            {a.state === "resolved" ? `resolved ${formatTime(a.endsAt)}` : `since ${formatTime(a.startsAt)}`}
            {a.value !== null && ` · value ${Number(a.value.toPrecision(4))}`}
          </p>
        </div>
        <div className="flex flex-wrap gap-2">
          {a.state === "firing" && a.startsAt && (
            <button
              type="button"
              className={secondaryButton}
              disabled={pending}
              onClick={() => start(async () => setResult(await (a.ack ? actions.unacknowledge : actions.acknowledge)(a.fingerprint, a.startsAt!)))}
            >
              {a.ack ? "Unacknowledge" : "Acknowledge"}
            </button>
          )}
          {a.state !== "resolved" && !a.silencedBy && (
            <button type="button" className={secondaryButton} aria-expanded={silencing} onClick={() => setSilencing((s) => !s)}>
              Silence
            </button>
          )}
        </div>
      </div>
      <ActionMessage result={result} />
      {silencing && (
        <div className="mt-3 rounded-lg border border-slate-200 p-3 dark:border-slate-700">
          <SilenceForm initial={matchersFor(a)} create={actions.silence} onDone={() => setSilencing(false)} />
        </div>
      )}
      {a.history.length > 0 && (
        <details className="mt-1">
          <summary className="cursor-pointer text-xs text-sky-800 dark:text-sky-300">History ({a.history.length})</summary>
          <ol className="mt-1 space-y-0.5 text-xs text-slate-700 dark:text-slate-300">
            {a.history.map((h, i) => (
              <li key={i} className="tabular-nums">
                {formatTime(h.at)} → <strong className="font-medium">{h.state}</strong>
                {h.value != null && ` (value ${Number(h.value.toPrecision(4))})`}
              </li>
            ))}
          </ol>
        </details>
      )}
    </li>
  );
}

/** Alerts by state: firing, pending, silenced, resolved; each with its history, acknowledge and silence. */
export function AlertList({ alerts, actions }: { alerts: AlertRow[]; actions: AlertActions }) {
  return (
    <div className="space-y-6">
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
        {SECTIONS.map((s) => (
          <div key={s.id} className="rounded-lg border border-slate-200 bg-white px-4 py-3 dark:border-slate-700 dark:bg-slate-900">
            <dt className="text-xs font-medium text-slate-600 dark:text-slate-400">{s.label}</dt>
            <dd className="text-2xl font-semibold tabular-nums" data-testid={`count-${s.id}`}>
              {alerts.filter((a) => sectionOf(a) === s.id).length}
            </dd>
          </div>
        ))}
      </dl>
      {SECTIONS.map((s) => {
        const list = alerts.filter((a) => sectionOf(a) === s.id);
        if (list.length === 0) return null;
        return (
          <section key={s.id} aria-labelledby={`alerts-${s.id}`}>
            <h2 id={`alerts-${s.id}`} className="text-base font-semibold">
              {s.label}
            </h2>
            <ul className="divide-y divide-slate-100 dark:divide-slate-800">
              {list.map((a) => (
                <AlertItem key={`${a.fingerprint}-${a.startsAt}`} a={a} actions={actions} />
              ))}
            </ul>
          </section>
        );
      })}
      {alerts.length === 0 && <p className="text-sm text-slate-600 dark:text-slate-400">No alerts: every rule is quiet.</p>}
    </div>
  );
}
