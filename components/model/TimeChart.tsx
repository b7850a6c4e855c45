"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import {
  Area,
  Bar,
  CartesianGrid,
  ComposedChart,
  type DotItemDotProps,
  Line,
  ReferenceArea,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { type ChartPoint, formatValue, type SeriesSpec, timeTicks, type Unit } from "./format";

export { type ChartPoint, formatValue, type SeriesSpec, type Unit };

/** A span during which an alert of the model fired (ms, already clipped to the chart's range). */
export type AlertBand = { start: number; end: number; alertname: string; severity: string; open: boolean };

/** Alert bands: red for critical (and SLO page), orange for warning (and SLO ticket); deployment markers are purple lines. */
export const BAND_COLOR = { critical: "#dc2626", warning: "#ea580c" } as const;
export const bandColor = (severity: string) => (severity === "critical" || severity === "page" ? BAND_COLOR.critical : BAND_COLOR.warning);
/** A band is at least this wide (px), so a one-minute incident stays visible on a month's chart. */
const MIN_BAND_PX = 3;

type BandShape = { x?: number; y?: number; width?: number; height?: number; clipPath?: string };

/**
 * The band as drawn: a light wash over the plot, a solid cap along its top (one lane per alert, so overlapping alerts
 * each keep their own cap), and its rule and times on hover.
 */
function bandShape(b: AlertBand, title: string, lane: number) {
  // Recharts calls this as a function (not a component) with the area's rectangle
  return function drawBand(p: BandShape) {
    const width = Math.max(MIN_BAND_PX, p.width ?? 0);
    const x = (p.x ?? 0) - (width - (p.width ?? 0)) / 2;
    const color = bandColor(b.severity);
    return (
      <g className="alert-band" data-alert={b.alertname} data-severity={b.severity} clipPath={p.clipPath}>
        <title>{title}</title>
        <rect x={x} y={p.y} width={width} height={p.height} fill={color} fillOpacity={0.1} />
        <rect x={x} y={(p.y ?? 0) + lane * 4} width={width} height={3} fill={color} fillOpacity={0.85} />
      </g>
    );
  };
}

function axisValue(v: number, unit: Unit): string {
  if (unit === "ratio") return `${Math.round(v * 100)}%`;
  // every tick with its unit: an axis read "1.6s, 1.2s, 800, 400" mixed seconds with bare milliseconds
  // a no-break space: the axis wraps a tick at a space ("80" over "ms")
  if (unit === "ms") return v >= 1000 ? `${Number((v / 1000).toPrecision(3))}\u00a0s` : `${Number(v.toPrecision(3))}\u00a0ms`;
  return Math.abs(v) >= 1000 ? `${(v / 1000).toLocaleString("en-US")}k` : `${Number(v.toPrecision(3))}`;
}

/** A tick's label: the time of day, or over more than two days the date, with the hour when ticks fall within days. */
const tickTime = (tickStepMs: number, spanMs: number) => (t: number) => {
  const d = new Date(t);
  if (spanMs > 2 * 86_400_000) return d.toLocaleDateString(undefined, { month: "short", day: "numeric", ...(tickStepMs < 86_400_000 ? { hour: "2-digit" } : {}) });
  return d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
};

/**
 * A time series chart of the model page: lines, areas and bars over [from, to), a marker where each version first
 * appears, optional horizontal reference lines, and drag-to-zoom: dragging across the plot pushes that range into
 * the URL (so the browser's Back restores the previous view).
 */

/**
 * A line's dot only where a point stands alone (no value just before or after it): a line needs two points, so a
 * single hour of data, or one between gaps, would otherwise draw nothing at all.
 */
function isolatedDot(data: ChartPoint[], key: string, color: string) {
  const has = (i: number) => i >= 0 && i < data.length && typeof data[i][key] === "number";
  return function Dot(p: DotItemDotProps) {
    const alone = has(p.index) && !has(p.index - 1) && !has(p.index + 1);
    if (!alone || p.cx === undefined || p.cy === undefined) return <g key={`${key}-${p.index}`} />;
    return <circle key={`${key}-${p.index}`} cx={p.cx} cy={p.cy} r={2.5} fill={color} data-isolated-point={key} />;
  };
}

export function TimeChart({
  data,
  series,
  unit,
  rightUnit,
  from,
  to,
  stepMs,
  markers,
  alerts = [],
  lines = [],
  yMax,
  height = 180,
  stacked100 = false,
}: {
  data: ChartPoint[];
  series: SeriesSpec[];
  unit: Unit;
  rightUnit?: Unit;
  from: number;
  to: number;
  stepMs: number;
  markers: { t: number; version: string }[];
  /** firing alerts over the range, drawn as shaded bands behind the series */
  alerts?: AlertBand[];
  lines?: { y: number; label: string; extend?: boolean }[];
  yMax?: number;
  height?: number;
  stacked100?: boolean;
}) {
  const router = useRouter();
  const path = usePathname();
  const params = useSearchParams();
  const [drag, setDrag] = useState<{ a: number; b: number } | null>(null);
  const ticks = timeTicks(from, to);
  const fmtTick = tickTime(ticks.length > 1 ? ticks[1] - ticks[0] : stepMs, to - from);
  const at = (label: unknown) => (label === undefined || label === null ? null : Number(label));

  const zoom = () => {
    if (!drag) return;
    const a = Math.min(drag.a, drag.b);
    const b = Math.max(drag.a, drag.b) + stepMs;
    setDrag(null);
    if (b - a < 2 * stepMs) return; // a click, not a drag
    const next = new URLSearchParams(params);
    next.delete("range");
    next.set("from", new Date(a).toISOString());
    next.set("to", new Date(b).toISOString());
    router.push(`${path}?${next}`, { scroll: false });
  };

  return (
    <div className="select-none" style={{ height }}>
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart
          data={data}
          margin={{ top: 8, right: rightUnit ? 4 : 12, bottom: 0, left: 0 }}
          stackOffset={stacked100 ? "expand" : "none"}
          onMouseDown={(s) => {
            const t = at(s.activeLabel);
            if (t !== null) setDrag({ a: t, b: t });
          }}
          onMouseMove={(s) => {
            const t = at(s.activeLabel);
            if (drag && t !== null) setDrag({ ...drag, b: t });
          }}
          onMouseUp={zoom}
          onMouseLeave={() => setDrag(null)}
        >
          <CartesianGrid vertical={false} stroke="currentColor" strokeOpacity={0.12} />
          <XAxis
            dataKey="t"
            type="number"
            scale="time"
            domain={[from, to]}
            ticks={ticks}
            tickFormatter={fmtTick}
            tick={{ fontSize: 11, fill: "currentColor" }}
            stroke="currentColor"
            strokeOpacity={0.3}
            minTickGap={28}
          />
          <YAxis
            yAxisId="left"
            tickFormatter={(v: number) => axisValue(v, stacked100 ? "ratio" : unit)}
            tick={{ fontSize: 11, fill: "currentColor" }}
            stroke="currentColor"
            strokeOpacity={0.3}
            // one width for every chart, so stacked charts' plots (and their times) start at the same x
            width={52}
            domain={stacked100 ? [0, 1] : [0, yMax ?? "auto"]}
            allowDecimals={unit !== "count"}
          />
          {rightUnit && (
            <YAxis
              yAxisId="right"
              orientation="right"
              domain={[0, 1]}
              tickFormatter={(v: number) => axisValue(v, rightUnit)}
              tick={{ fontSize: 11, fill: "currentColor" }}
              stroke="currentColor"
              strokeOpacity={0.3}
              width={40}
            />
          )}
          <Tooltip
            isAnimationActive={false}
            labelFormatter={(t) => {
              const d = new Date(Number(t));
              return `${d.toLocaleString(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" })} (${d.toISOString().slice(11, 16)} UTC)`;
            }}
            formatter={(v, name, item) => {
              const spec = series.find((s) => s.key === item.dataKey);
              const u = spec?.axis === "right" && rightUnit ? rightUnit : unit;
              return [formatValue(typeof v === "number" ? v : null, u), spec?.label ?? String(name)];
            }}
            contentStyle={{ fontSize: 12, borderRadius: 8, background: "var(--chart-tooltip-bg)", color: "var(--chart-tooltip-fg)", border: "1px solid rgb(148 163 184 / 0.4)" }}
          />
          {alerts.map((b, _i, all) => {
            const lane = [...new Set(all.map((a) => a.alertname))].indexOf(b.alertname);
            const when = (t: number) => new Date(t).toLocaleString(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
            const title = `${b.alertname} (${b.severity}) firing ${when(b.start)} – ${b.open ? "now" : when(b.end)}`;
            return (
              <ReferenceArea key={`${b.alertname}-${b.start}`} yAxisId="left" x1={b.start} x2={Math.max(b.end, b.start + 1)} ifOverflow="hidden" shape={bandShape(b, title, lane)} />
            );
          })}
          {series.map((s) => {
            const common = { dataKey: s.key, name: s.label, yAxisId: s.axis ?? "left", isAnimationActive: false } as const;
            if (s.kind === "bar") return <Bar key={s.key} {...common} stackId={s.stack} fill={s.color} maxBarSize={24} />;
            if (s.kind === "area")
              return <Area key={s.key} {...common} type="monotone" stackId={s.stack} stroke={s.color} fill={s.color} fillOpacity={s.axis === "right" ? 0.12 : 0.5} strokeWidth={s.axis === "right" ? 0 : 1} connectNulls={false} />;
            return (
              <Line key={s.key} {...common} type="monotone" stroke={s.color} strokeWidth={s.dashed ? 1.25 : 1.75} strokeDasharray={s.dashed ? "4 3" : undefined} dot={isolatedDot(data, s.key, s.color)} connectNulls={false} />
            );
          })}
          {lines.map((l) => (
            <ReferenceLine key={l.label} yAxisId="left" y={l.y} ifOverflow={l.extend ? "extendDomain" : "discard"} stroke="#b45309" strokeDasharray="6 3" label={{ value: l.label, position: "insideTopRight", fontSize: 11, fill: "currentColor" }} />
          ))}
          {markers
            .filter((m) => m.t >= from && m.t <= to)
            .map((m) => (
              <ReferenceLine
                key={m.version}
                yAxisId="left"
                x={m.t}
                stroke="#7c3aed"
                strokeWidth={1.5}
                className="deploy-marker"
                label={{ value: `▲ ${m.version}`, position: "insideTopLeft", fontSize: 11, fill: "#7c3aed" }}
              />
            ))}
          {drag && drag.a !== drag.b && <ReferenceArea yAxisId="left" x1={Math.min(drag.a, drag.b)} x2={Math.max(drag.a, drag.b)} fill="#0284c7" fillOpacity={0.15} />}
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}

/** The chart's series names as a legend in text, with their colour as a swatch. */
export function ChartLegend({ series }: { series: SeriesSpec[] }) {
  return (
    <ul className="flex flex-wrap gap-x-3 gap-y-1 text-[11px] text-slate-600 dark:text-slate-400">
      {series
        .filter((s) => !s.hideInLegend)
        .map((s) => (
          <li key={s.key} className="inline-flex items-center gap-1">
            <span aria-hidden className="inline-block h-2 w-3 rounded-sm" style={{ background: s.color, opacity: s.dashed ? 0.6 : 1 }} />
            {s.label}
          </li>
        ))}
    </ul>
  );
}

/** The alerts shaded on a chart, named in text with their band's colour (one entry per alert, however many spans). */
export function AlertLegend({ alerts }: { alerts: AlertBand[] }) {
  const named = [...new Map(alerts.map((a) => [a.alertname, a])).values()];
  if (named.length === 0) return null;
  return (
    <ul className="flex flex-wrap gap-x-3 gap-y-1 text-[11px] text-slate-600 dark:text-slate-400" aria-label="Alerts shaded on this chart" data-testid="alert-legend">
      {named.map((a) => (
        <li key={a.alertname} className="inline-flex items-center gap-1" data-alert={a.alertname}>
          <span aria-hidden className="inline-block h-2.5 w-3 rounded-sm border-t-2" style={{ background: `${bandColor(a.severity)}26`, borderColor: bandColor(a.severity) }} />
          alert {a.alertname} ({a.severity}) {alerts.some((b) => b.alertname === a.alertname && b.open) ? "firing" : "fired"}
        </li>
      ))}
    </ul>
  );
}
