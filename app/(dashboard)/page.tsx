import Link from "next/link";
import { Suspense } from "react";
import { EmptyState } from "@/components/EmptyState";
import { FleetControls } from "@/components/overview/FleetControls";
import { TrendCells, TrendCellsFallback } from "./_overview/TrendCells";
import { SloCell } from "./_overview/SloCell";
import { AlertCell } from "./_overview/AlertCell";
import { StatusBadge } from "@/components/StatusBadge";
import { Time } from "@/components/ui/Time";
import { taskLabel } from "@/lib/domain/model";
import { formatAgo, formatCount } from "@/lib/format";
import { applyFleetView, DEFAULT_DIR, type FleetSort, type FleetView, parseFleetView } from "@/lib/queries/fleetView";
import { siteUrl } from "@/lib/http/siteUrl";
import { listModels } from "@/lib/queries/listModels";
import { firingReason } from "@/lib/status/modelStatus";
import { getFleetSlos } from "@/lib/queries/getSlos";

export const dynamic = "force-dynamic";

/** A model that has sent nothing for this long gets a freshness mark. */
const STALE_MS = 3600_000;

function SortHeader({ view, sort, label, className = "", align = "right" }: { view: FleetView; sort: FleetSort; label: string; className?: string; align?: "left" | "right" }) {
  const active = view.sort === sort;
  const dir = active ? (view.dir === "asc" ? "desc" : "asc") : DEFAULT_DIR[sort];
  const qs = new URLSearchParams({ ...(view.q ? { q: view.q } : {}), ...(view.status ? { status: view.status } : {}), sort, dir });
  return (
    <th scope="col" className={`px-3 py-2 font-medium ${align === "right" ? "text-right" : "text-left"} ${className}`} aria-sort={active ? (view.dir === "asc" ? "ascending" : "descending") : undefined}>
      <Link href={`/?${qs}`} scroll={false} className={`inline-flex items-center gap-1 hover:text-slate-900 dark:hover:text-white ${active ? "text-slate-900 dark:text-white" : ""}`}>
        {label}
        <span aria-hidden className="text-[10px]">{active ? (view.dir === "asc" ? "▲" : "▼") : ""}</span>
      </Link>
    </th>
  );
}

export default async function OverviewPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const now = new Date();
  const nowIso = now.toISOString();
  // started now, awaited by each row's SLO line as it streams in
  const fleetSlos = getFleetSlos({ now }).catch((err: unknown) => {
    console.error("overview: SLO evaluation failed", err);
    return null;
  });
  const [models, sp] = await Promise.all([listModels(now), searchParams]);
  const view = parseFleetView(sp);
  const shown = applyFleetView(models, view);
  const counts = models.reduce<Record<string, number>>((acc, m) => ((acc[m.status] = (acc[m.status] ?? 0) + 1), acc), {});
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold tracking-tight">Models</h1>
          <p className="text-sm text-slate-600 dark:text-slate-400">
            {models.length === 0
              ? "Every model that sends predictions appears here."
              : `${models.length} ${models.length === 1 ? "model" : "models"} · last 24 hours, hourly · ` +
                (["critical", "warning"].filter((s) => counts[s]).map((s) => `${counts[s]} ${s}`).join(", ") || "nothing needs attention")}
          </p>
        </div>
        {models.length > 0 && <FleetControls />}
      </div>
      {models.length === 0 ? (
        <EmptyState base={await siteUrl()} />
      ) : shown.length === 0 ? (
        <section className="rounded-xl border border-dashed border-slate-300 bg-white p-6 text-sm dark:border-slate-700 dark:bg-slate-900">
          <p className="font-medium">No model matches this search or filter.</p>
          <Link href="/" className="mt-2 inline-block text-sky-700 hover:underline dark:text-sky-400">
            Show every model
          </Link>
        </section>
      ) : (
        <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900">
          <table className="min-w-full text-sm" data-testid="models-table">
            <caption className="sr-only">Models with their status and the last 24 hours of traffic, errors, latency, drift and accuracy</caption>
            <thead className="border-b border-slate-200 bg-slate-50 text-xs text-slate-500 dark:border-slate-800 dark:bg-slate-800/50 dark:text-slate-400">
              <tr>
                <SortHeader view={view} sort="name" label="Model" align="left" />
                <SortHeader view={view} sort="status" label="Status" align="left" />
                <SortHeader view={view} sort="requests" label="Requests" />
                <SortHeader view={view} sort="errors" label="Errors" className="hidden md:table-cell" />
                <SortHeader view={view} sort="p99" label="p99 latency" className="hidden lg:table-cell" />
                <th scope="col" className="hidden px-3 py-2 text-right font-medium md:table-cell">
                  <abbr title="Features drifted in the latest complete hour / features tested" className="no-underline">
                    Drifted
                  </abbr>
                </th>
                <SortHeader view={view} sort="quality" label="Accuracy / MAE" className="hidden lg:table-cell" />
                <SortHeader view={view} sort="last" label="Last event" className="hidden sm:table-cell" />
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {shown.map((m) => {
                const stale = m.lastEventAt !== null && now.getTime() - Date.parse(m.lastEventAt) > STALE_MS;
                // the alerts' reason is the link below the badge; the others as text
                const reasons = m.alerts ? m.statusReasons.filter((r) => r !== firingReason(m.alerts!)) : m.statusReasons;
                return (
                  <tr key={m.id} data-model={m.id} className="hover:bg-slate-50 dark:hover:bg-slate-800/40">
                    <td className="px-3 py-2.5 align-top">
                      <Link href={`/models/${encodeURIComponent(m.id)}`} className="break-words font-medium text-slate-900 hover:underline dark:text-slate-100">
                        {m.name}
                      </Link>
                      <div className="break-words text-xs text-slate-500 dark:text-slate-400">
                        {m.id !== m.name && <span className="font-mono">{m.id} · </span>}
                        {taskLabel(m.task)} · <span data-testid="event-count">{formatCount(m.events)}</span> {m.events === 1 ? "event" : "events"}
                        {m.autoRegistered && " · auto-registered"}
                      </div>
                    </td>
                    <td className="px-3 py-2.5 align-top" title={m.statusReasons.join("; ")} data-testid="status">
                      <StatusBadge status={m.status} />
                      {reasons.length > 0 && <div className="mt-1 max-w-40 text-[11px] leading-tight text-slate-600 dark:text-slate-400">{reasons.join("; ")}</div>}
                      {m.alerts && <AlertCell firing={m.alerts} />}
                      <Suspense fallback={null}>
                        <SloCell model={m.id} fleet={fleetSlos} />
                      </Suspense>
                    </td>
                    <Suspense fallback={<TrendCellsFallback />}>
                      <TrendCells model={m} nowIso={nowIso} />
                    </Suspense>
                    <td className="hidden px-3 py-2.5 text-right align-top text-slate-600 dark:text-slate-400 sm:table-cell" data-testid="last-event">
                      {m.lastEventAt ? (
                        <span className="inline-flex flex-col items-end">
                          <span className={stale ? "font-medium text-amber-800 dark:text-amber-300" : ""}>
                            {stale && <span aria-hidden>⏸ </span>}
                            {formatAgo(m.lastEventAt, now)}
                          </span>
                          {stale ? (
                            <span className="text-[11px]" data-testid="stale">
                              silent for over an hour
                            </span>
                          ) : (
                            <span className="text-[11px]">
                              <Time iso={m.lastEventAt} format="time" />
                            </span>
                          )}
                        </span>
                      ) : (
                        "never"
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
