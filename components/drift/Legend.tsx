import { type HeatmapMethod, METHOD_INFO, RATIO_MAX } from "./model";
import { gradientCss } from "./scale";

/** The one legend every method shares: statistic ÷ threshold on cividis, plus the marks. */
export function Legend({ method }: { method: HeatmapMethod }) {
  const info = METHOD_INFO[method];
  const what =
    info.kind === "verdict"
      ? "the smaller of the verdict's effect size ÷ its threshold and log p ÷ log 0.05 of its test (BH-adjusted): ≥ 1 when both say drift"
      : info.kind === "p-value"
        ? `${info.label}: log p ÷ log threshold (1 = p at the threshold, 2 = p at its square)`
        : info.kind === "auto"
          ? "the test Evidently chose: distance ÷ threshold, or log p ÷ log threshold"
          : `${info.label} ÷ its threshold`;
  const ticks = [0, 0.5, 1, 1.5, RATIO_MAX];
  return (
    <div className="mt-4 flex flex-wrap items-start gap-x-8 gap-y-3 text-xs text-slate-600 dark:text-slate-400" data-testid="legend">
      <div className="w-full max-w-xs">
        <div className="mb-1 font-medium text-slate-700 dark:text-slate-300">Colour: statistic ÷ threshold</div>
        <div className="h-3 rounded-sm" style={{ background: gradientCss() }} aria-hidden />
        <div className="relative mt-1 h-4 tabular-nums" aria-hidden>
          {ticks.map((t) => (
            <span key={t} className="absolute -translate-x-1/2 whitespace-nowrap first:translate-x-0 last:-translate-x-full" style={{ left: `${(t / RATIO_MAX) * 100}%` }}>
              {t === RATIO_MAX ? `≥ ${t}` : t === 1 ? "1 = threshold" : t}
            </span>
          ))}
        </div>
        <p className="mt-1">{what}</p>
      </div>
      <ul className="flex flex-wrap gap-x-5 gap-y-2">
        <li className="flex items-center gap-2">
          <span className="relative inline-block h-4 w-4 rounded-sm" style={{ background: "rgb(188,175,111)" }} aria-hidden>
            <span className="absolute top-1/2 left-1/2 h-1.5 w-1.5 -translate-x-1/2 -translate-y-1/2 rounded-full bg-slate-900" />
          </span>
          drifted
        </li>
        <li className="flex items-center gap-2">
          <span
            className="inline-block h-4 w-4 rounded-sm border border-slate-300 dark:border-slate-600"
            style={{ background: "repeating-linear-gradient(135deg, transparent 0 3px, rgb(148,163,184) 3px 4px)" }}
            aria-hidden
          />
          insufficient data (&lt; 200 values)
        </li>
        <li className="flex items-center gap-2">
          <span className="inline-block h-4 w-4 rounded-sm bg-slate-100 dark:bg-slate-800" aria-hidden />
          no values / not computed
        </li>
        <li className="flex items-center gap-2">
          <span className="inline-block h-0 w-0 border-x-4 border-t-[6px] border-x-transparent border-t-pink-600 dark:border-t-pink-400" aria-hidden />
          worst window
        </li>
      </ul>
    </div>
  );
}
