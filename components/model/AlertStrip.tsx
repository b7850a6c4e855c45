import Link from "next/link";
import { Time } from "@/components/ui/Time";
import type { ModelAlert } from "@/lib/alerts/evaluate/timeline";
import { alertsHref, spanText as lasted } from "@/components/alerts/format";
import { alertCondition } from "./alertFormat";

const PILL = {
  critical: "bg-red-50 text-red-800 ring-red-600/25 dark:bg-red-950 dark:text-red-200 dark:ring-red-400/30",
  warning: "bg-amber-50 text-amber-900 ring-amber-600/25 dark:bg-amber-950 dark:text-amber-200 dark:ring-amber-400/30",
  pending: "bg-white text-slate-700 ring-slate-400/50 dark:bg-slate-900 dark:text-slate-300 dark:ring-slate-500/50",
} as const;

/** The severities drawn red: rule alerts' critical, SLO burn rates' page. */
const SEVERE = new Set(["critical", "page"]);
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

const FRAME = {
  critical: "border-red-200 bg-red-50/40 dark:border-red-900/70 dark:bg-red-950/20",
  warning: "border-amber-200 bg-amber-50/40 dark:border-amber-900/70 dark:bg-amber-950/20",
  calm: "border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900",
} as const;

/** How many recently resolved alerts the strip lists (the rest: on /alerts). */
const RESOLVED_SHOWN = 5;

/** The alerts that resolved in the page's range, newest first: what fired, when, and for how long. */
function Resolved({ model, resolved }: { model: string; resolved: ModelAlert[] }) {
  if (resolved.length === 0) return null;
  return (
    <details className="mt-1 text-slate-600 dark:text-slate-400" data-testid="alert-resolved">
      <summary className="cursor-pointer">
        {resolved.length} resolved in this range
      </summary>
      <ul className="mt-1 space-y-0.5">
        {resolved.slice(0, RESOLVED_SHOWN).map((a) => (
          <li key={a.id} data-testid="alert-resolved-item" data-alert={a.label} className="flex flex-wrap items-baseline gap-x-2">
            <span className="font-medium text-slate-800 dark:text-slate-200">{a.label}</span>
            <span>({a.severity})</span>
            {a.firedAt && (
              <span>
                fired <Time iso={a.firedAt} />
              </span>
            )}
            {a.resolvedAt && (
              <span>
                resolved <Time iso={a.resolvedAt} />
                {a.firedAt && ` after ${lasted(Date.parse(a.resolvedAt) - Date.parse(a.firedAt))}`}
              </span>
            )}
          </li>
        ))}
      </ul>
      <Link href={alertsHref({ model, state: "resolved" })} className="text-sky-700 hover:underline dark:text-sky-400">
        {resolved.length > RESOLVED_SHOWN ? `All ${resolved.length} with their history →` : "History on the alerts page →"}
      </Link>
    </details>
  );
}

/**
 * The model page's alert strip, under its header: the model's firing and pending alerts (rule, severity, value
 * against the rule's condition, since when), calm when none, and the alerts resolved in the range; links to the
 * model's alerts on /alerts (?model=). `firedInRange` counts the alerts shaded on the charts.
 */
export function AlertStrip({ model, active, resolved = [], firedInRange }: { model: string; active: ModelAlert[]; resolved?: ModelAlert[]; firedInRange: number }) {
  const firing = active.filter((a) => a.state === "firing");
  const pending = active.length - firing.length;
  const tone = firing.some((a) => SEVERE.has(a.severity)) ? "critical" : firing.length ? "warning" : "calm";
  const link = (
    <Link href={alertsHref({ model })} className="whitespace-nowrap text-sky-700 hover:underline dark:text-sky-400">
      This model&apos;s alerts →
    </Link>
  );
  if (active.length === 0) {
    return (
      <section aria-label="Alerts" data-testid="alert-strip" data-firing={0} className={`flex flex-wrap items-center justify-between gap-x-4 gap-y-1 rounded-lg border px-3 py-2 text-xs text-slate-600 dark:text-slate-400 ${FRAME.calm}`}>
        <p>
          <span aria-hidden className="mr-1.5 inline-block h-2 w-2 rounded-full bg-emerald-500" />
          <span className="font-medium text-slate-800 dark:text-slate-200">No alerts firing</span>
          {firedInRange > 0 && (
            <span data-testid="alert-fired-in-range">
              {" "}
              · {firedInRange} {firedInRange === 1 ? "alert" : "alerts"} fired in this range, shaded on the charts
            </span>
          )}
        </p>
        {link}
        {resolved.length > 0 && (
          <div className="basis-full">
            <Resolved model={model} resolved={resolved} />
          </div>
        )}
      </section>
    );
  }
  return (
    <section aria-label="Alerts" data-testid="alert-strip" data-firing={firing.length} className={`rounded-lg border px-3 py-2 text-xs ${FRAME[tone]}`}>
      <div className="mb-1 flex flex-wrap items-baseline justify-between gap-x-4">
        <h2 className="text-sm font-semibold text-slate-900 dark:text-slate-100">
          {[firing.length && `${firing.length} firing`, pending && `${pending} pending`].filter(Boolean).join(", ")}
        </h2>
        {link}
      </div>
      <ul className="divide-y divide-slate-200/70 dark:divide-slate-800">
        {active.map((a) => {
          const c = alertCondition(a);
          const pill = a.state === "pending" ? "pending" : SEVERE.has(a.severity) ? "critical" : "warning";
          return (
            <li key={a.id} data-testid="alert-item" data-alert={a.label} data-state={a.state} className="flex flex-wrap items-baseline gap-x-3 gap-y-0.5 py-1.5">
              <span className={`inline-flex items-center rounded-full px-1.5 py-px text-[11px] font-medium ring-1 ring-inset ${PILL[pill]}`}>
                {a.state === "pending" ? `Pending · ${a.severity}` : cap(a.severity)}
              </span>
              <span className="break-all font-semibold text-slate-900 dark:text-slate-100 sm:break-normal">{a.label}</span>
              <span className="text-slate-700 dark:text-slate-300">
                {c.metric} <strong className="font-semibold tabular-nums text-slate-900 dark:text-slate-100" data-testid="alert-value">{c.value}</strong>{" "}
                <span className="text-slate-600 dark:text-slate-400" data-testid="alert-condition">
                  ({c.condition})
                </span>
              </span>
              {a.since && (
                <span className="text-slate-600 dark:text-slate-400">
                  {a.state === "firing" ? "firing since" : "pending since"} <Time iso={a.since} />
                </span>
              )}
            </li>
          );
        })}
      </ul>
      {firedInRange > firing.length && (
        <p className="mt-1 text-slate-600 dark:text-slate-400" data-testid="alert-fired-in-range">
          {firedInRange} {firedInRange === 1 ? "alert" : "alerts"} fired in this range, shaded on the charts
        </p>
      )}
      <Resolved model={model} resolved={resolved} />
    </section>
  );
}
