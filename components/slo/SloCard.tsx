import type { SloStatus, WindowBurn } from "@/lib/alerts/slo/objectives";
import { Time } from "@/components/ui/Time";
import { formatCount, formatPercent } from "@/lib/format";
import { SloStateBadge } from "./SloStateBadge";
import { formatBurn, windowLabel } from "./status";

const pct = (x: number | null) => (x === null ? "—" : `${Number((x * 100).toPrecision(4))} %`);

/** One SLO: what it promises, its error budget over the window, and its burn-rate rows. */
export function SloCard({ slo }: { slo: SloStatus }) {
  const b = slo.errorBudget;
  const consumed = b.consumed === null ? 0 : Math.min(1, Math.max(0, b.consumed));
  const unit = slo.kind === "accuracy" ? "labelled predictions" : "requests";
  const overspent = b.remaining !== null && b.remaining < 0;
  return (
    <article
      data-testid={`slo-${slo.name}`}
      aria-labelledby={`slo-${slo.name}-title`}
      className="rounded-xl border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
    >
      <div className="flex items-start justify-between gap-3">
        <div className="min-w-0">
          <h2 id={`slo-${slo.name}-title`} className="truncate font-semibold text-slate-900 dark:text-slate-100">
            {slo.name}
          </h2>
          <p className="text-sm text-slate-600 dark:text-slate-400">{slo.objective}</p>
        </div>
        <SloStateBadge slo={slo} />
      </div>

      <div className="mt-4 grid grid-cols-2 gap-4 sm:grid-cols-3">
        <div>
          {/* an overspent budget reads as how many times over, not as a negative share left */}
          <p className="text-xs text-slate-500 dark:text-slate-400">{overspent ? "Budget overspent" : "Budget remaining"}</p>
          <p className="text-2xl font-semibold tabular-nums text-slate-900 dark:text-slate-100" data-testid="slo-remaining">
            {overspent ? formatBurn(b.consumed) : pct(b.remaining)}
          </p>
        </div>
        <div>
          <p className="text-xs text-slate-500 dark:text-slate-400">Good {unit}</p>
          <p className="text-2xl font-semibold tabular-nums text-slate-900 dark:text-slate-100" data-testid="slo-sli">
            {formatPercent(b.sli, 3)}
          </p>
        </div>
        <div className="col-span-2 text-sm text-slate-600 sm:col-span-1 dark:text-slate-400">
          <p>
            <span data-testid="slo-bad">{formatCount(b.bad)}</span> bad of {formatCount(b.total)}; the budget allows{" "}
            {formatCount(Math.floor(b.allowedBad))}
          </p>
          <p className="text-xs">
            <Time iso={slo.window.from} format="date" /> – now
          </p>
        </div>
      </div>
      <div className="mt-3 h-2 overflow-hidden rounded-full bg-slate-100 dark:bg-slate-800" aria-hidden="true">
        <div
          className={`h-full rounded-full ${b.consumed !== null && b.consumed > 1 ? "bg-red-500" : b.consumed !== null && b.consumed > 0.75 ? "bg-amber-500" : "bg-emerald-500"}`}
          style={{ width: `${consumed * 100}%` }}
        />
      </div>
      <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">{b.consumed === null ? "No events in the window yet." : overspent ? `The objective is missed: ${pct(b.consumed)} of the error budget spent` : `${pct(b.consumed)} of the error budget spent`}</p>

      <table className="mt-4 w-full text-left text-sm">
        <caption className="sr-only">Burn-rate alerts of {slo.name}: a row fires when both windows burn faster than its factor</caption>
        <thead className="text-xs text-slate-500 dark:text-slate-400">
          <tr>
            <th scope="col" className="py-1 pr-2 font-medium">Alert</th>
            <th scope="col" className="py-1 pr-2 font-medium">Long window</th>
            <th scope="col" className="py-1 pr-2 font-medium">Short window</th>
            <th scope="col" className="py-1 font-medium">State</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
          {slo.burnRates.map((r) => (
            <tr key={`${r.longWindow}-${r.shortWindow}`} data-testid={`burn-${r.longWindow}`}>
              <td className="py-1.5 pr-2 align-top">
                <span className="font-medium capitalize text-slate-900 dark:text-slate-100">{r.severity}</span>
                <span className="block whitespace-nowrap text-xs text-slate-500 dark:text-slate-400">&gt; {formatBurn(r.factor)}</span>
              </td>
              <BurnCell label={windowLabel(r.longWindow)} w={r.long} hot={r.long.badRatio !== null && r.long.badRatio > r.threshold} testId="burn-long" />
              <BurnCell label={windowLabel(r.shortWindow)} w={r.short} hot={r.short.badRatio !== null && r.short.badRatio > r.threshold} testId="burn-short" />
              <td className="py-1.5 align-top">
                {r.firing ? (
                  <span className="font-medium text-red-700 dark:text-red-300">Firing</span>
                ) : (
                  <span className="text-slate-500 dark:text-slate-400">OK</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </article>
  );
}

function BurnCell({ label, w, hot, testId }: { label: string; w: WindowBurn; hot: boolean; testId: string }) {
  return (
    <td className="py-1.5 pr-2 align-top tabular-nums">
      <span className={`whitespace-nowrap ${hot ? "font-medium text-red-700 dark:text-red-300" : "text-slate-900 dark:text-slate-100"}`}>
        {label}: <span data-testid={testId}>{formatBurn(w.burnRate)}</span>
      </span>
      <span className="block text-xs text-slate-500 dark:text-slate-400">
        {w.total === 0 ? "no events" : `${formatCount(w.bad)} bad of ${formatCount(w.total)}`}
      </span>
    </td>
  );
}
