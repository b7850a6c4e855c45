/**
 * The change of a number against the previous period, as "↑ 12 %" / "↓ 3 %". The arrow says the direction; the
 * colour (amber when the move is bad for this metric) only repeats it, so nothing rests on colour alone.
 */
export function Change({
  now,
  before,
  worseWhen,
  label,
}: {
  now: number | null;
  before: number | null;
  /** which direction is bad for this metric; "none" for neutral (traffic) */
  worseWhen: "up" | "down" | "none";
  label: string;
}) {
  if (now === null || before === null || before === 0) return null;
  const rel = (now - before) / Math.abs(before);
  if (!Number.isFinite(rel)) return null;
  const pct = Math.abs(rel) * 100;
  const text = pct < 0.5 ? "±0 %" : `${rel > 0 ? "↑" : "↓"} ${pct >= 100 ? Math.round(pct).toLocaleString("en-US") : pct.toPrecision(2)} %`;
  const bad = pct >= 0.5 && ((worseWhen === "up" && rel > 0) || (worseWhen === "down" && rel < 0));
  return (
    <span
      className={`whitespace-nowrap text-[11px] tabular-nums ${bad ? "text-amber-700 dark:text-amber-400" : "text-slate-500 dark:text-slate-400"}`}
      title={`${label}: ${text.replace("↑", "up").replace("↓", "down")} against the 24 hours before`}
    >
      {text}
    </span>
  );
}
