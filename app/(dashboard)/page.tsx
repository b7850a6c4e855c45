import { EmptyState } from "@/components/EmptyState";
import { StatusBadge } from "@/components/StatusBadge";
import { taskLabel } from "@/lib/domain/model";
import { formatAgo, formatCount, formatMs, formatNumber, formatPercent } from "@/lib/format";
import { listModels } from "@/lib/queries/listModels";

export const dynamic = "force-dynamic";

export default async function OverviewPage() {
  const now = new Date();
  const models = await listModels(now);
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-2">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Models</h1>
          <p className="text-sm text-slate-600 dark:text-slate-400">Every model that has been registered or has sent predictions.</p>
        </div>
        {models.length > 0 && (
          <p className="text-sm text-slate-500 dark:text-slate-400">
            {models.length} {models.length === 1 ? "model" : "models"}
          </p>
        )}
      </div>
      {models.length === 0 ? (
        <EmptyState />
      ) : (
        <div className="overflow-x-auto rounded-xl border border-slate-200 dark:border-slate-800 bg-white dark:bg-slate-900 shadow-sm">
          <table className="min-w-full text-sm" data-testid="models-table">
            <thead className="bg-slate-50 dark:bg-slate-800/50 text-left text-xs font-medium uppercase tracking-wide text-slate-500 dark:text-slate-400">
              <tr>
                <th scope="col" className="px-4 py-3">Model</th>
                <th scope="col" className="px-4 py-3">Status</th>
                <th scope="col" className="px-4 py-3 text-right">Events stored</th>
                <th scope="col" className="hidden px-4 py-3 text-right md:table-cell">Requests (24 h)</th>
                <th scope="col" className="px-4 py-3 text-right">Errors (24 h)</th>
                <th scope="col" className="hidden px-4 py-3 text-right lg:table-cell">p99 latency</th>
                <th scope="col" className="hidden px-4 py-3 text-right lg:table-cell">Accuracy / MAE</th>
                <th scope="col" className="hidden px-4 py-3 sm:table-cell">Last event</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {models.map((m) => (
                <tr key={m.id} data-model={m.id} className="hover:bg-slate-50 dark:hover:bg-slate-800/60">
                  <td className="px-4 py-3">
                    <div className="break-all font-medium text-slate-900 dark:text-slate-100 sm:break-normal">{m.name}</div>
                    <div className="text-xs text-slate-500 dark:text-slate-400">
                      {m.id !== m.name && <span className="font-mono">{m.id} · </span>}
                      {taskLabel(m.task)}
                      {m.autoRegistered && " · auto-registered"}
                    </div>
                  </td>
                  <td className="px-4 py-3" title={m.statusReasons.join("; ")}>
                    <StatusBadge status={m.status} />
                  </td>
                  <td className="px-4 py-3 text-right tabular-nums" data-testid="event-count">
                    {formatCount(m.events)}
                  </td>
                  <td className="hidden px-4 py-3 text-right tabular-nums md:table-cell">{formatCount(m.last24h.requests)}</td>
                  <td className="px-4 py-3 text-right tabular-nums">{formatPercent(m.last24h.errorRate)}</td>
                  <td className="hidden px-4 py-3 text-right tabular-nums lg:table-cell">{formatMs(m.last24h.latencyP99Ms)}</td>
                  <td className="hidden px-4 py-3 text-right tabular-nums lg:table-cell" title={`${formatCount(m.last24h.labelled)} labelled in 24 h`}>
                    {m.last24h.accuracy !== null ? formatPercent(m.last24h.accuracy, 1) : m.last24h.mae !== null ? formatNumber(m.last24h.mae) : "—"}
                  </td>
                  <td className="hidden px-4 py-3 text-slate-600 dark:text-slate-400 sm:table-cell" title={m.lastEventAt ?? undefined}>
                    {formatAgo(m.lastEventAt, now)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
