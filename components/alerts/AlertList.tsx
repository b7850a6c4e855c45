"use client";
import Link from "next/link";
import { useState, useTransition } from "react";
import { ALERT_GROUPS, alertMatchers, conditionText, metricValue, silenceHref, spanText, type AlertGroup } from "./format";
import { ActionMessage, At, Pill, secondaryButton, type ActionResult } from "./ui";

/** The page's view of one alert: GET /api/v1/alerts's fields, its rule's condition, silence and acknowledgement. */
export type AlertRow = {
  id: string;
  /** a rule's alert, or one burn-rate row (slo.window, "1h/5m") of an SLO */
  source: "rule" | "slo";
  rule: string | null;
  slo: { name: string; window: string } | null;
  alertname: string;
  model: string;
  severity: string;
  state: string;
  /** what the page groups it under: its state, or "silenced" for a firing alert an active silence mutes */
  group: AlertGroup;
  fingerprint: string;
  labels: Record<string, string>;
  value: number | null;
  samples: number;
  activeAt: string | null;
  firedAt: string | null;
  resolvedAt: string | null;
  lastEvaluatedAt: string;
  history: { at: string; from: string; to: string; value: number | null }[];
  condition: { metric: string; comparison: string; threshold: number; window: string; for: string } | null;
  silencedBy: string | null;
  ack: { ackedBy: string; ackedAt: string; comment: string } | null;
};


export type AlertActions = {
  acknowledge: (alertId: string) => Promise<ActionResult>;
  unacknowledge: (alertId: string) => Promise<ActionResult>;
};

const GROUP_TITLES: Record<string, string> = { firing: "Firing", pending: "Pending", silenced: "Silenced", resolved: "Resolved" };


function Since({ a, now }: { a: AlertRow; now: string }) {
  const ago = (iso: string | null) => (iso ? spanText(Date.parse(now) - Date.parse(iso)) : "");
  if (a.group === "resolved" && a.resolvedAt) {
    const lasted = a.firedAt ? `, after firing ${spanText(Date.parse(a.resolvedAt) - Date.parse(a.firedAt))}` : "";
    return (
      <>
        resolved <At iso={a.resolvedAt} /> ({ago(a.resolvedAt)} ago{lasted})
      </>
    );
  }
  if (a.state === "pending") return <>pending for {ago(a.activeAt)}, since <At iso={a.activeAt} /></>;
  if (a.state === "firing") return <>firing for {ago(a.firedAt)}, since <At iso={a.firedAt} /></>;
  return <>last evaluated <At iso={a.lastEvaluatedAt} /></>;
}

function History({ a }: { a: AlertRow }) {
  const metric = a.condition?.metric ?? (a.slo ? "burn_rate" : "");
  const comparison = a.condition?.comparison ?? ">";
  return (
    <details className="mt-2 group">
      <summary className="cursor-pointer text-sm text-sky-800 dark:text-sky-300">
        History ({a.history.length} transition{a.history.length === 1 ? "" : "s"})
      </summary>
      <ol className="mt-2 space-y-1 border-l border-slate-200 pl-3 text-xs dark:border-slate-700" aria-label={`History of ${a.alertname} on ${a.model}`}>
        {[...a.history].reverse().map((t, i) => (
          <li key={i} className="flex flex-wrap items-center gap-x-2 gap-y-0.5" data-testid="transition">
            <span className="tabular-nums text-slate-600 dark:text-slate-400"><At iso={t.at} /></span>
            <span>
              {t.from} → <span className="font-medium">{t.to}</span>
            </span>
            <span className="tabular-nums text-slate-600 dark:text-slate-400">value {metricValue(metric, comparison, t.value)}</span>
          </li>
        ))}
      </ol>
    </details>
  );
}

function AlertItem({ a, now, canEdit, actions }: { a: AlertRow; now: string; canEdit: boolean; actions: AlertActions }) {
  const [pending, start] = useTransition();
  const [result, setResult] = useState<ActionResult | null>(null);
  const run = (fn: () => Promise<ActionResult>) => start(async () => setResult(await fn()));
  const c = a.condition;
  const ackable = a.state === "firing" && a.firedAt !== null;
  return (
    <li className="py-3" data-testid="alert" data-alert-state={a.group}>
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0 space-y-1">
          <div className="flex flex-wrap items-center gap-2">
            <Pill value={a.group} />
            <Pill value={a.severity} />
            <span className="font-medium break-all">{a.alertname}</span>
            <span className="text-sm text-slate-500 dark:text-slate-400" aria-hidden>
              on
            </span>
            <Link href={`/models/${encodeURIComponent(a.model)}`} className="text-sm font-medium break-all text-sky-800 underline-offset-2 hover:underline dark:text-sky-300">
              {a.model}
            </Link>
          </div>
          <p className="text-sm text-slate-700 dark:text-slate-300">
            <span className="tabular-nums font-medium" data-testid="alert-value">
              {c ? metricValue(c.metric, c.comparison, a.value) : metricValue("burn_rate", ">", a.value)}
            </span>
            {a.slo && (
              <span className="text-slate-600 dark:text-slate-400">
                {" "}
                · error budget burn rate of SLO{" "}
                <Link href={`/models/${encodeURIComponent(a.model)}/slos`} className="text-sky-800 hover:underline dark:text-sky-300">
                  {a.slo.name}
                </Link>{" "}
                over {a.slo.window}
              </span>
            )}
            {c && (
              <span className="text-slate-600 dark:text-slate-400">
                {" "}
                · rule: {conditionText(c)} over {c.window}
                {c.for !== "0s" && `, for ${c.for}`}
              </span>
            )}
          </p>
          <p className="text-xs text-slate-600 dark:text-slate-400">
            <Since a={a} now={now} />
            {a.samples > 0 && ` · ${a.samples.toLocaleString("en-US")} samples`}
            {a.silencedBy && " · muted by a silence"}
          </p>
          {a.ack && (
            <p className="text-xs text-emerald-800 dark:text-emerald-300" data-testid="ack">
              Acknowledged by {a.ack.ackedBy || "someone"} at <At iso={a.ack.ackedAt} />
              {a.ack.comment && ` · ${a.ack.comment}`}
            </p>
          )}
        </div>
        {canEdit && (
          <div className="flex flex-wrap gap-2">
            {ackable &&
              (a.ack ? (
                <button type="button" className={secondaryButton} disabled={pending} onClick={() => run(() => actions.unacknowledge(a.id))} aria-label={`Undo acknowledgement of ${a.alertname} on ${a.model}`}>
                  Unacknowledge
                </button>
              ) : (
                <button type="button" className={secondaryButton} disabled={pending} onClick={() => run(() => actions.acknowledge(a.id))} aria-label={`Acknowledge ${a.alertname} on ${a.model}`}>
                  {pending ? "Saving…" : "Acknowledge"}
                </button>
              ))}
            {(a.state === "firing" || a.state === "pending") && !a.silencedBy && (
              <Link
                className={secondaryButton}
                href={silenceHref(alertMatchers(a.labels))}
                aria-label={`Silence ${a.alertname} on ${a.model}`}
              >
                Silence
              </Link>
            )}
          </div>
        )}
      </div>
      <ActionMessage result={result} />
      <History a={a} />
    </li>
  );
}

/** Alerts grouped by state (firing, pending, silenced, resolved), each with its value, rule, history and acknowledgement. */
export function AlertList({ alerts, now, canEdit, actions }: { alerts: AlertRow[]; now: string; canEdit: boolean; actions: AlertActions }) {
  const groups = ALERT_GROUPS.map((g) => ({ g, items: alerts.filter((a) => a.group === g) })).filter((x) => x.items.length > 0);
  return (
    <div className="space-y-6">
      {groups.map(({ g, items }) => (
        <section key={g} aria-labelledby={`alerts-${g}`}>
          <h3 id={`alerts-${g}`} className="text-sm font-semibold text-slate-700 dark:text-slate-300">
            {GROUP_TITLES[g]} <span className="font-normal text-slate-500 dark:text-slate-400">({items.length})</span>
          </h3>
          <ul className="divide-y divide-slate-100 dark:divide-slate-800" aria-label={`${GROUP_TITLES[g]} alerts`}>
            {items.map((a) => (
              <AlertItem key={a.id} a={a} now={now} canEdit={canEdit} actions={actions} />
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}
