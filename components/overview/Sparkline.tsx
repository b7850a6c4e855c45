/**
 * A 24-point trend drawn as inline SVG on the server: no chart library and no JavaScript in the browser, so a fleet
 * of models costs nothing to hydrate. Gaps (null) break the line; the last value gets a dot. The numbers are in the
 * label for screen readers and in a <title> for hover.
 */
export function Sparkline({
  values,
  label,
  width = 96,
  height = 24,
  min,
  max,
  tone = "slate",
  partialLast = false,
  testId,
}: {
  values: (number | null)[];
  /** what the line shows, e.g. "Requests per hour, last 24 hours: 0 to 1,204; latest 980" */
  label: string;
  width?: number;
  height?: number;
  /** fixed domain ends (e.g. 0 for counts, 1 for shares); otherwise the data's */
  min?: number;
  max?: number;
  tone?: "slate" | "sky" | "amber" | "violet";
  /** the last point is a period still in progress (the current hour): its segment is dashed and its dot hollow */
  partialLast?: boolean;
  testId?: string;
}) {
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const lo = min ?? (finite.length ? Math.min(...finite) : 0);
  const hiRaw = max !== undefined ? Math.max(max, ...finite) : finite.length ? Math.max(...finite) : 1;
  const hi = hiRaw === lo ? lo + 1 : hiRaw;
  const pad = 2;
  const x = (i: number) => pad + (i * (width - 2 * pad)) / Math.max(1, values.length - 1);
  const y = (v: number) => height - pad - ((v - lo) / (hi - lo)) * (height - 2 * pad);
  const n = partialLast ? values.length - 1 : values.length;
  let d = "";
  let pen = false;
  values.slice(0, n).forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) {
      pen = false;
      return;
    }
    d += `${pen ? "L" : "M"}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
    pen = true;
  });
  const ok = (v: number | null | undefined): v is number => v !== null && v !== undefined && Number.isFinite(v);
  const lastIndex = values.slice(0, n).findLastIndex(ok);
  const open = partialLast && ok(values.at(-1)) ? values.length - 1 : -1;
  const stroke = {
    slate: "stroke-slate-500 dark:stroke-slate-400",
    sky: "stroke-sky-600 dark:stroke-sky-400",
    amber: "stroke-amber-600 dark:stroke-amber-400",
    violet: "stroke-violet-600 dark:stroke-violet-400",
  }[tone];
  // spelled out, not derived from `stroke`: Tailwind only generates classes that appear whole in the source
  const fill = {
    slate: "fill-slate-500 dark:fill-slate-400",
    sky: "fill-sky-600 dark:fill-sky-400",
    amber: "fill-amber-600 dark:fill-amber-400",
    violet: "fill-violet-600 dark:fill-violet-400",
  }[tone];
  return (
    <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label} data-testid={testId} className="block overflow-visible">
      <title>{label}</title>
      <line x1={pad} x2={width - pad} y1={height - pad} y2={height - pad} className="stroke-slate-200 dark:stroke-slate-700" strokeWidth={1} />
      {d && <path d={d} fill="none" className={stroke} strokeWidth={1.5} strokeLinejoin="round" strokeLinecap="round" />}
      {lastIndex >= 0 && open >= 0 && lastIndex === open - 1 && (
        <path d={`M${x(lastIndex).toFixed(1)},${y(values[lastIndex]!).toFixed(1)}L${x(open).toFixed(1)},${y(values[open]!).toFixed(1)}`} fill="none" className={stroke} strokeWidth={1} strokeDasharray="2 2" />
      )}
      {lastIndex >= 0 && <circle cx={x(lastIndex)} cy={y(values[lastIndex]!)} r={2} className={fill} />}
      {open >= 0 && <circle cx={x(open)} cy={y(values[open]!)} r={2} fill="none" className={stroke} strokeWidth={1} />}
    </svg>
  );
}
