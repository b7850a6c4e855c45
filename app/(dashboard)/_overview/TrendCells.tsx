import { cache } from "react";
import Link from "next/link";
import { formatCount, formatMs, formatNumber, formatPercent } from "@/lib/format";
import { getModelTrend, type ModelTrend } from "@/lib/queries/getModelTrend";
import type { ModelSummary } from "@/lib/queries/listModels";
import { Change } from "@/components/overview/Change";
import { Sparkline } from "@/components/overview/Sparkline";

/** One read per model and request, however many cells use it. */
const trendOf = cache((model: string, nowIso: string) => getModelTrend(model, new Date(nowIso)));

const cell = "px-3 py-2.5 align-top";
const metric = "flex flex-col items-end gap-1";
const value = "tabular-nums text-slate-900 dark:text-slate-100";

/**
 * The label of a sparkline whose last point is the current, unfinished hour: its range, the latest complete hour
 * that has a value, and the current hour so far.
 */
function range(values: (number | null)[], fmt: (x: number) => string): string {
  const v = values.filter((x): x is number => x !== null);
  if (!v.length) return "no data";
  const full = values.slice(0, -1).findLast((x): x is number => x !== null);
  const now = values.at(-1);
  return (
    `${fmt(Math.min(...v))} to ${fmt(Math.max(...v))}` +
    (full !== undefined ? `; latest full hour ${fmt(full)}` : "") +
    (now !== null && now !== undefined ? `; this hour so far ${fmt(now)}` : "")
  );
}

/** The columns that need the trends: requests, errors, p99, drift, quality. Streamed in after the table. */
export async function TrendCells({ model, nowIso }: { model: ModelSummary; nowIso: string }) {
  const t = await trendOf(model.id, nowIso);
  if (!t) return <TrendCellsFallback />;
  return <Cells m={model} t={t} />;
}

function Cells({ m, t }: { m: ModelSummary; t: ModelTrend }) {
  const h = m.last24h;
  const pts = t.points;
  const requests = pts.map((p) => p.requests);
  const errorRates = pts.map((p) => p.errorRate);
  const p99s = pts.map((p) => p.latencyP99Ms);
  const drift = pts.map((p) => p.driftedShare);
  const quality = pts.map((p) => p.quality);
  const qualityNow = t.qualityKind === "mae" ? h.mae : h.accuracy;
  const fmtQuality = (x: number) => (t.qualityKind === "mae" ? formatNumber(x) : formatPercent(x, 1));
  return (
    <>
      <td className={cell} data-testid="trend-requests" data-from={t.from} data-to={t.to}>
        <div className={metric}>
          <span className={value}>
            {formatCount(h.requests)} <Change now={h.requests} before={t.previous.requests} worseWhen="none" label="Requests" />
          </span>
          <Sparkline partialLast values={requests} min={0} label={`Requests per hour, last 24 hours: ${range(requests, formatCount)}`} testId="spark-requests" />
        </div>
      </td>
      <td className={`${cell} hidden md:table-cell`} data-testid="trend-errors">
        <div className={metric}>
          <span className={value}>
            {formatPercent(h.errorRate)} <Change now={h.errorRate} before={t.previous.errorRate} worseWhen="up" label="Error rate" />
          </span>
          <Sparkline partialLast values={errorRates} min={0} tone="amber" label={`Error rate per hour, last 24 hours: ${range(errorRates, (x) => formatPercent(x))}`} />
        </div>
      </td>
      <td className={`${cell} hidden lg:table-cell`} data-testid="trend-p99">
        <div className={metric}>
          <span className={value}>
            {formatMs(h.latencyP99Ms)} <Change now={h.latencyP99Ms} before={t.previous.latencyP99Ms} worseWhen="up" label="p99 latency" />
          </span>
          <Sparkline partialLast values={p99s} min={0} tone="sky" label={`p99 latency per hour, last 24 hours: ${range(p99s, formatMs)}`} />
        </div>
      </td>
      <td className={`${cell} hidden md:table-cell`} data-testid="trend-drift">
        <div className={metric}>
          {t.drift ? (
            <Link
              href={`/models/${encodeURIComponent(m.id)}/drift`}
              className={`tabular-nums hover:underline ${t.drift.driftedCount > 0 ? "font-medium text-amber-800 dark:text-amber-300" : "text-slate-900 dark:text-slate-100"}`}
              title={`Features drifted in the latest complete hour (${t.drift.start} – ${t.drift.end}, UTC), by the default verdict; ${t.drift.tested} of ${t.drift.features} had enough data to be tested`}
              data-testid="drift-count"
            >
              {t.drift.driftedCount} / {t.drift.tested}
            </Link>
          ) : (
            <Link href={`/models/${encodeURIComponent(m.id)}/drift`} className="text-xs text-slate-500 hover:underline dark:text-slate-400" title="Upload a reference to see drift">
              no reference
            </Link>
          )}
          <Sparkline partialLast values={drift} min={0} max={1} tone="violet" label={`Share of drifted features per hour, last 24 hours: ${range(drift, (x) => formatPercent(x, 0))}`} />
        </div>
      </td>
      <td className={`${cell} hidden lg:table-cell`} data-testid="trend-quality">
        <div className={metric}>
          <span className={value} title={`${formatCount(h.labelled)} labelled predictions in 24 hours`}>
            {qualityNow === null ? "—" : fmtQuality(qualityNow)}{" "}
            <Change now={qualityNow} before={t.previous.quality} worseWhen={t.qualityKind === "mae" ? "up" : "down"} label={t.qualityKind === "mae" ? "MAE" : "Accuracy"} />
          </span>
          <Sparkline partialLast values={quality} tone="slate" label={`${t.qualityKind === "mae" ? "MAE" : "Accuracy"} per hour, last 24 hours: ${range(quality, fmtQuality)}`} />
          <span className="text-[11px] text-slate-500 dark:text-slate-400" data-testid="label-coverage">
            {h.labelCoverage === null ? "no traffic" : `${formatPercent(h.labelCoverage, 0)} labelled`}
          </span>
        </div>
      </td>
    </>
  );
}

/** Same columns, grey, while the trends load. */
export function TrendCellsFallback() {
  const block = <div className="ml-auto h-9 w-24 animate-pulse rounded bg-slate-100 dark:bg-slate-800" aria-hidden />;
  return (
    <>
      <td className={cell}>{block}</td>
      <td className={`${cell} hidden md:table-cell`}>{block}</td>
      <td className={`${cell} hidden lg:table-cell`}>{block}</td>
      <td className={`${cell} hidden md:table-cell`}>{block}</td>
      <td className={`${cell} hidden lg:table-cell`}>{block}</td>
    </>
  );
}
