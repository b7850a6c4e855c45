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

