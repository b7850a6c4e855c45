import type { PreviewResult } from "@/lib/alerts/evaluate/preview";
import { spanText, wouldHave } from "./format";
import { At, formatTime } from "./ui";

const MAX_ROWS = 12;
const MAX_LISTED = 50;


/**
 * The backtest's answer: the API's summary, a timeline per model over the replayed days with the firing
 * intervals marked, and the intervals listed.
 */
export function PreviewTimeline({ preview, days }: { preview: PreviewResult; days: number }) {
  const from = Date.parse(preview.from);
  const to = Date.parse(preview.to);
  const span = Math.max(1, to - from);
  const pct = (t: number) => `${(((Math.min(Math.max(t, from), to) - from) / span) * 100).toFixed(3)}%`;
  const rows = preview.models.filter((m) => m.firings > 0 || preview.models.length === 1).slice(0, MAX_ROWS);
  const hidden = preview.models.filter((m) => m.firings > 0).length - rows.filter((m) => m.firings > 0).length;
  return (
    <div className="space-y-3" data-testid="preview">
      <p className="text-sm">
        <span className="font-semibold" data-testid="preview-summary">
          {wouldHave(preview.summary)}
        </span>{" "}
        <span className="text-slate-600 dark:text-slate-400">
          over the last {days} day{days === 1 ? "" : "s"} (evaluated every {preview.step === "1m" ? "minute" : "hour"},{" "}
          {preview.evaluations.toLocaleString("en-US")} times per model).
        </span>
      </p>
      <dl className="flex flex-wrap gap-x-6 gap-y-1 text-sm">
        <div className="flex gap-1.5">
          <dt className="text-slate-600 dark:text-slate-400">Firings</dt>
          <dd className="font-medium tabular-nums" data-testid="preview-firings">
            {preview.firings.length}
          </dd>
        </div>
        <div className="flex gap-1.5">
          <dt className="text-slate-600 dark:text-slate-400">Time firing</dt>
          <dd className="font-medium tabular-nums" data-testid="preview-hours">
            {(preview.firingMs / 3_600_000).toFixed(2)} h
          </dd>
        </div>
      </dl>
      {rows.length > 0 && (
        <div className="space-y-1.5">
          {rows.map((m) => {
            const mine = preview.firings.filter((f) => f.model === m.model);
            return (
              <div key={m.model} className="grid grid-cols-1 gap-1 sm:grid-cols-[10rem_1fr] sm:items-center sm:gap-3">
                <span className="truncate text-xs text-slate-600 dark:text-slate-400" title={m.model}>
                  {m.model}
                </span>
                <div
                  role="img"
                  aria-label={`${m.model}: ${m.summary}`}
                  className="relative h-4 overflow-hidden rounded bg-slate-100 ring-1 ring-inset ring-slate-200 dark:bg-slate-800 dark:ring-slate-700"
                >
                  {mine.map((f, i) => {
                    const start = Date.parse(f.startsAt);
                    const end = f.endsAt === null ? to : Date.parse(f.endsAt);
                    return (
                      <span
                        key={i}
                        className="absolute inset-y-0 min-w-[2px] bg-red-600 dark:bg-red-400"
                        style={{ left: pct(start), width: `calc(${pct(end)} - ${pct(start)})` }}
                        title={`${formatTime(f.startsAt)} → ${f.endsAt ? formatTime(f.endsAt) : "still firing"}`}
                      />
                    );
                  })}
                </div>
              </div>
            );
          })}
          <div className="grid grid-cols-1 sm:grid-cols-[10rem_1fr] sm:gap-3">
            <span className="hidden sm:block" />
            <div className="flex justify-between text-[11px] tabular-nums text-slate-500 dark:text-slate-400">
              <span><At iso={preview.from} /></span>
              <span><At iso={preview.to} /></span>
            </div>
          </div>
          {hidden > 0 && <p className="text-xs text-slate-600 dark:text-slate-400">and {hidden} more models that would have fired</p>}
        </div>
      )}
      {preview.firings.length > 0 && (
        <details>
          <summary className="cursor-pointer text-sm text-sky-800 dark:text-sky-300">Firing intervals ({preview.firings.length})</summary>
          <ol className="mt-2 space-y-1 text-xs" aria-label="Firing intervals">
            {preview.firings.slice(0, MAX_LISTED).map((f, i) => (
              <li key={i} className="flex flex-wrap gap-x-2 tabular-nums" data-testid="preview-interval">
                {preview.models.length > 1 && <span className="font-medium">{f.model}</span>}
                <span>
                  <At iso={f.startsAt} /> → {f.endsAt ? <At iso={f.endsAt} /> : "still firing"}
                </span>
                <span className="text-slate-600 dark:text-slate-400">({spanText((f.endsAt ? Date.parse(f.endsAt) : to) - Date.parse(f.startsAt))})</span>
              </li>
            ))}
            {preview.firings.length > MAX_LISTED && <li className="text-slate-600 dark:text-slate-400">and {preview.firings.length - MAX_LISTED} more</li>}
          </ol>
        </details>
      )}
    </div>
  );
}
