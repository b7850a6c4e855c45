import Link from "next/link";
import type { SloStatus } from "@/lib/alerts/slo/objectives";
import { SloStateBadge } from "./SloStateBadge";

const pct = (x: number | null) => (x === null ? "—" : `${Number((x * 100).toPrecision(3))} %`);

/** A model's SLOs in a few lines (for the model page): state and budget left, linking to the SLO page. */
export function SloSummary({ model, slos }: { model: string; slos: SloStatus[] }) {
  const href = `/models/${encodeURIComponent(model)}/slos`;
  return (
    <section aria-labelledby="slo-summary-title" data-testid="slo-summary" className="rounded-xl border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
      <div className="flex items-baseline justify-between gap-3">
        <h2 id="slo-summary-title" className="font-semibold text-slate-900 dark:text-slate-100">
          SLOs
        </h2>
        <Link href={href} className="text-sm text-blue-700 underline-offset-2 hover:underline dark:text-blue-300">
          Details
        </Link>
      </div>
      {slos.length === 0 ? (
        <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">
          None defined. <Link href={href} className="text-blue-700 underline underline-offset-2 dark:text-blue-300">Set an objective</Link> to get an error budget and burn-rate alerts.
        </p>
      ) : (
        <ul className="mt-2 divide-y divide-slate-100 dark:divide-slate-800">
          {slos.map((s) => (
            <li key={s.name} className="flex items-center justify-between gap-3 py-1.5 text-sm">
              <span className="min-w-0">
                <span className="block truncate font-medium text-slate-900 dark:text-slate-100">{s.name}</span>
                <span className="block truncate text-xs text-slate-500 dark:text-slate-400">{s.objective}</span>
              </span>
              <span className="flex shrink-0 items-center gap-2">
                <span className="tabular-nums text-slate-700 dark:text-slate-300" title="error budget remaining">
                  {pct(s.errorBudget.remaining)} left
                </span>
                <SloStateBadge slo={s} />
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
