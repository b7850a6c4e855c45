/** Chart types and value formatting shared by the model page's server cards and its client charts (no "use client"). */
/** How a value is written: on the axis, in the tooltip and in the chart's summary. */
export type Unit = "count" | "ms" | "ratio" | "number";

export type SeriesSpec = {
  key: string;
  label: string;
  kind: "line" | "area" | "bar";
  /** a CSS colour (a Tailwind palette value); the chart's legend repeats the name, never colour alone */
  color: string;
  stack?: string;
  dashed?: boolean;
  /** "right" puts the series on a second axis (e.g. label coverage beside accuracy) */
  axis?: "left" | "right";
  /** left out of the legend (e.g. the provisional continuation of a line) */
  hideInLegend?: boolean;
};

export type ChartPoint = { t: number } & Record<string, number | null>;

export function formatValue(v: number | null | undefined, unit: Unit): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "—";
  switch (unit) {
    case "count":
      return Math.round(v).toLocaleString("en-US");
    case "ms":
      return v >= 1000 ? `${(v / 1000).toPrecision(3)} s` : `${v.toPrecision(3)} ms`;
    case "ratio":
      return `${(v * 100).toFixed(v >= 0.995 || v < 0.1 ? 2 : 1)} %`;
    case "number":
      return Math.abs(v) >= 1e5 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : Number(v.toPrecision(3)).toLocaleString("en-US");
  }
}

// Not lib/domain/time's: that module builds zod schemas, which this file would carry into the charts' client bundle.
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** Tick spacings, smallest first: round numbers of minutes, hours and days. */
const TICK_STEPS = [MIN, 2 * MIN, 5 * MIN, 10 * MIN, 15 * MIN, 30 * MIN, HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 14 * DAY, 28 * DAY];

/**
 * The x-axis ticks of a chart over [from, to]: the smallest round spacing that gives at most `maxTicks`, placed on
 * round times of the viewer's clock (whole hours, local midnights; `offsetMinutes` is its UTC offset, as
 * Date#getTimezoneOffset gives it). Every chart of a page computes the same ticks from the same range, whatever
 * its width or the width of its value axis, so the times line up from one chart to the next.
 */
export function timeTicks(from: number, to: number, maxTicks = 7, offsetMinutes = new Date(from).getTimezoneOffset()): number[] {
  if (!(to > from)) return [];
  // n intervals can hold n + 1 ticks (one on each end)
  const step = TICK_STEPS.find((s) => (to - from) / s <= maxTicks - 1) ?? TICK_STEPS[TICK_STEPS.length - 1];
  const shift = -offsetMinutes * MIN; // local time = UTC + shift
  const ticks: number[] = [];
  for (let t = Math.ceil((from + shift) / step) * step - shift; t <= to; t += step) ticks.push(t);
  return ticks;
}
