"use client";

import { useCallback, useEffect, useLayoutEffect, useRef, useState, useSyncExternalStore } from "react";
import { formatP, formatStat, formatUtcWindow, formatWindow, tickLabel } from "./format";
import { FLAG, type HeatmapData, type HeatmapRow, METHOD_INFO, RATIO_MAX } from "./model";
import { colorOf, darkInkOn } from "./scale";

/** A row of the display: -1 is the prediction, otherwise an index into `data.rows`. */
export type RowRef = number;
export type Cell = { row: RowRef; col: number };

export const CELL_H = 20;
const AXIS_H = 30;
const STRIP_H = 30;
const GAP = 10;
const MIN_W = 6;
const MAX_W = 28;

export type HeatmapLayout = { cellW: number; cellH: number; top: (displayIndex: number) => number; stripTop: number; hasPrediction: boolean };

function layoutOf(cellW: number, hasPrediction: boolean): HeatmapLayout {
  const stripTop = AXIS_H;
  const rowsTop = stripTop + STRIP_H + GAP;
  return {
    cellW,
    cellH: CELL_H,
    stripTop,
    hasPrediction,
    // display index 0 is the prediction when there is one; features follow after a gap
    top: (i) => (hasPrediction ? (i === 0 ? rowsTop : rowsTop + CELL_H + GAP + (i - 1) * CELL_H) : rowsTop + i * CELL_H),
  };
}

export function heatmapHeight(rows: number, hasPrediction: boolean): number {
  return AXIS_H + STRIP_H + GAP + (hasPrediction ? CELL_H + GAP : 0) + rows * CELL_H + 2;
}

/** Row label offsets for the DOM labels beside the canvas (same geometry as the drawing). */
export const HEATMAP_GEOMETRY = { AXIS_H, STRIP_H, GAP, CELL_H };

type Theme = { fg: string; muted: string; grid: string; bg: string; empty: string; hatch: string; focus: string };

function readTheme(el: HTMLElement): Theme {
  const cs = getComputedStyle(el);
  const v = (name: string, fallback: string) => cs.getPropertyValue(name).trim() || fallback;
  return {
    fg: v("--hm-fg", "#0f172a"),
    muted: v("--hm-muted", "#64748b"),
    grid: v("--hm-grid", "#e2e8f0"),
    bg: v("--hm-bg", "#ffffff"),
    empty: v("--hm-empty", "#f1f5f9"),
    hatch: v("--hm-hatch", "#94a3b8"),
    focus: v("--hm-focus", "#db2777"),
  };
}

function hatchPattern(ctx: CanvasRenderingContext2D, theme: Theme, dpr: number): CanvasPattern | null {
  const size = Math.round(6 * dpr);
  const c = document.createElement("canvas");
  c.width = size;
  c.height = size;
  const p = c.getContext("2d");
  if (!p) return null;
  p.fillStyle = theme.empty;
  p.fillRect(0, 0, size, size);
  p.strokeStyle = theme.hatch;
  p.lineWidth = Math.max(1, dpr);
  p.beginPath();
  for (const o of [-size, 0, size]) {
    p.moveTo(o, size);
    p.lineTo(o + size, 0);
  }
  p.stroke();
  return ctx.createPattern(c, "repeat");
}

const noop = () => () => {};

function describe(data: HeatmapData, row: HeatmapRow, col: number): string {
  const w = data.windows[col];
  const when = formatWindow(w.start, w.end);
  const flag = row.flag[col];
  if (flag === FLAG.none) return `${row.name}, ${when}: ${row.reason[col] ?? "no data"}`;
  if (flag === FLAG.insufficient) return `${row.name}, ${when}: insufficient data${row.reason[col] ? ` (${row.reason[col]})` : ""}`;
  const ratio = row.ratio[col];
  const parts = [`${row.name}, ${when}: ${flag === FLAG.drifted ? "drifted" : "no drift"}`];
  if (row.value[col] !== null) parts.push(`value ${formatStat(row.value[col])}`);
  if (row.p[col] !== null) parts.push(`p ${formatP(row.p[col])}`);
  if (ratio !== null) parts.push(`${formatStat(ratio)}× threshold`);
  return parts.join(", ");
}

export function Heatmap({
  data,
  order,
  active,
  onActive,
  onOpen,
  stepHours,
}: {
  data: HeatmapData;
  /** feature rows in display order (indices into data.rows) */
  order: number[];
  active: Cell;
  onActive: (c: Cell) => void;
  onOpen: (c: Cell) => void;
  stepHours: number;
}) {
  const wrapRef = useRef<HTMLDivElement>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const baseRef = useRef<HTMLCanvasElement>(null);
  const overRef = useRef<HTMLCanvasElement>(null);
  const [cellW, setCellW] = useState(12);
  const [hover, setHover] = useState<Cell | null>(null);
  const [themeTick, setThemeTick] = useState(0);
  const cols = data.windows.length;
  const hasPrediction = data.prediction !== null;
  const display: RowRef[] = hasPrediction ? [-1, ...order] : order;
  const layout = layoutOf(cellW, hasPrediction);
  const width = cols * cellW;
  const height = heatmapHeight(order.length, hasPrediction);
  const rowOf = useCallback((r: RowRef) => (r === -1 ? data.prediction! : data.rows[r]), [data]);

  // cell width from the space available: fit the columns, within [MIN_W, MAX_W]; narrower screens scroll inside
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const fit = () => setCellW(Math.max(MIN_W, Math.min(MAX_W, Math.floor(el.clientWidth / Math.max(1, cols)))));
    fit();
    const ro = new ResizeObserver(fit);
    ro.observe(el);
    return () => ro.disconnect();
  }, [cols]);

  // redraw when the theme changes (OS preference or the toggle's class/attribute on <html>)
  useEffect(() => {
    const bump = () => setThemeTick((t) => t + 1);
    const mq = window.matchMedia("(prefers-color-scheme: dark)");
    mq.addEventListener("change", bump);
    const mo = new MutationObserver(bump);
    mo.observe(document.documentElement, { attributes: true, attributeFilter: ["class", "data-theme", "style"] });
    return () => {
      mq.removeEventListener("change", bump);
      mo.disconnect();
    };
  }, []);

  // the data layer: every cell, the share strip and the time axis
  useEffect(() => {
    const canvas = baseRef.current;
    const wrap = wrapRef.current;
    if (!canvas || !wrap) return;
    const t0 = performance.now();
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
    const ctx = canvas.getContext("2d");
    if (!ctx) return;
    const theme = readTheme(wrap);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const hatch = hatchPattern(ctx, theme, dpr);
    const cw = layout.cellW;
    const gapX = cw >= 10 ? 1 : 0;

    // time axis: a label wherever there is room (about every 64 px)
    ctx.font = "11px var(--font-sans, sans-serif)";
    ctx.textBaseline = "alphabetic";
    const every = Math.max(1, Math.ceil(64 / cw));
    for (let c = 0; c < cols; c += every) {
      const { main, sub } = tickLabel(data.windows[c].start, stepHours);
      const x = c * cw;
      ctx.fillStyle = theme.muted;
      ctx.fillRect(x, AXIS_H - 5, 1, 5);
      ctx.fillText(main, x + 2, AXIS_H - 7);
      if (sub) {
        ctx.fillStyle = theme.fg;
        ctx.fillText(sub, x + 2, AXIS_H - 19);
      }
    }

    // share of drifted features per window (bars), a faint line at 100 %
    const barMax = STRIP_H - 6;
    ctx.fillStyle = theme.grid;
    ctx.fillRect(0, layout.stripTop + STRIP_H - 1, width, 1);
    for (let c = 0; c < cols; c++) {
      const w = data.windows[c];
      if (w.tested === 0) continue;
      const h = Math.max(w.drifted > 0 ? 2 : 0, Math.round(w.share * barMax));
      ctx.fillStyle = theme.fg;
      ctx.fillRect(c * cw + gapX, layout.stripTop + STRIP_H - 1 - h, cw - gapX, h);
    }

    // cells batched by colour (one path and one fill per colour level): a 100 × 168 grid is a few dozen fills
    const LEVELS = 64;
    const paths: Path2D[] = Array.from({ length: LEVELS + 1 }, () => new Path2D());
    const hatched = new Path2D();
    const empty = new Path2D();
    const darkDots = new Path2D();
    const lightDots = new Path2D();
    const themeDots = new Path2D();
    const cellWd = cw - gapX;
    const radius = Math.max(1.5, Math.min(cellWd, CELL_H) / 5);
    display.forEach((r, i) => {
      const row = rowOf(r);
      const y = layout.top(i);
      for (let c = 0; c < cols; c++) {
        const x = c * cw;
        const flag = row.flag[c];
        const ratio = row.ratio[c];
        if (flag === FLAG.insufficient) hatched.rect(x, y, cellWd, CELL_H - 1);
        else if (ratio === null) empty.rect(x, y, cellWd, CELL_H - 1);
        else paths[Math.round((Math.min(ratio, RATIO_MAX) / RATIO_MAX) * LEVELS)].rect(x, y, cellWd, CELL_H - 1);
        if (flag === FLAG.drifted) {
          // the drifted mark: a dot in the cell's centre, ink chosen for contrast with the cell colour
          const dots = ratio === null ? themeDots : darkInkOn(ratio) ? darkDots : lightDots;
          const cx = x + cellWd / 2;
          const cy = y + (CELL_H - 1) / 2;
          dots.moveTo(cx + radius, cy);
          dots.arc(cx, cy, radius, 0, Math.PI * 2);
        }
      }
    });
    paths.forEach((path, level) => {
      ctx.fillStyle = colorOf((level / LEVELS) * RATIO_MAX);
      ctx.fill(path);
    });
    ctx.fillStyle = theme.empty;
    ctx.fill(empty);
    ctx.fillStyle = hatch ?? theme.hatch;
    ctx.fill(hatched);
    ctx.fillStyle = "#111827";
    ctx.fill(darkDots);
    ctx.fillStyle = "#ffffff";
    ctx.fill(lightDots);
    ctx.fillStyle = theme.fg;
    ctx.fill(themeDots);
    canvas.dataset.drawMs = (performance.now() - t0).toFixed(2);
    canvas.dataset.draws = String(Number(canvas.dataset.draws ?? 0) + 1);
    // display and layout change with their inputs; listing them keeps the effect honest
  }, [data, display.join(","), width, height, cellW, themeTick, stepHours]); // eslint-disable-line react-hooks/exhaustive-deps

  // the overlay: hover outline, the active cell, the worst window's marker
  useEffect(() => {
    const canvas = overRef.current;
    const wrap = wrapRef.current;
    if (!canvas || !wrap) return;
    const dpr = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(width * dpr)) canvas.width = Math.round(width * dpr);
    if (canvas.height !== Math.round(height * dpr)) canvas.height = Math.round(height * dpr);
    const ctx = canvas.getContext("2d");
    if (!ctx) return;
    const theme = readTheme(wrap);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const cw = layout.cellW;
    // worst window: a triangle above the strip
    const wx = data.worst * cw + cw / 2;
    ctx.fillStyle = theme.focus;
    ctx.beginPath();
    ctx.moveTo(wx - 4, AXIS_H - 1);
    ctx.lineTo(wx + 4, AXIS_H - 1);
    ctx.lineTo(wx, AXIS_H + 5);
    ctx.fill();
    const outline = (c: Cell, color: string, lw: number) => {
      const i = display.indexOf(c.row);
      if (i < 0) return;
      ctx.strokeStyle = color;
      ctx.lineWidth = lw;
      ctx.strokeRect(c.col * cw + lw / 2 - 1, layout.top(i) + lw / 2 - 1, cw - lw + 2, CELL_H - lw + 1);
    };
    if (hover) outline(hover, theme.fg, 1);
    outline(active, theme.focus, 2);
  }); // runs after every render: it is a handful of strokes

  // keep the active cell in view (opening on the worst window scrolls to it)
  useEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const x = active.col * cellW;
    if (x < el.scrollLeft || x + cellW > el.scrollLeft + el.clientWidth) el.scrollLeft = Math.max(0, x - el.clientWidth / 2);
  }, [active.col, cellW]);

  const cellAt = (e: React.MouseEvent): Cell | null => {
    const rect = baseRef.current!.getBoundingClientRect();
    const x = e.clientX - rect.left;
    const y = e.clientY - rect.top;
    const col = Math.floor(x / cellW);
    if (col < 0 || col >= cols) return null;
    for (let i = 0; i < display.length; i++) {
      const t = layout.top(i);
      if (y >= t && y < t + CELL_H) return { row: display[i], col };
    }
    return null;
  };

  const move = (dr: number, dc: number) => {
    const i = Math.max(0, display.indexOf(active.row));
    const ni = Math.min(display.length - 1, Math.max(0, i + dr));
    const nc = Math.min(cols - 1, Math.max(0, active.col + dc));
    onActive({ row: display[ni], col: nc });
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    const k = e.key;
    const handled = true;
    if (k === "ArrowLeft") move(0, -1);
    else if (k === "ArrowRight") move(0, 1);
    else if (k === "ArrowUp") move(-1, 0);
    else if (k === "ArrowDown") move(1, 0);
    else if (k === "Home") move(0, -cols);
    else if (k === "End") move(0, cols);
    else if (k === "PageUp") move(-10, 0);
    else if (k === "PageDown") move(10, 0);
    else if (k === "Enter" || k === " ") onOpen(active);
    else return;
    if (handled) e.preventDefault();
  };

  // the live description holds local times: only after hydration (the server does not know the viewer's zone)
  const hydrated = useSyncExternalStore(noop, () => true, () => false);
  const activeRow = hydrated && display.includes(active.row) && active.col < cols ? rowOf(active.row) : null;
  const hoverRow = hover ? rowOf(hover.row) : null;
  const hoverIdx = hover ? display.indexOf(hover.row) : -1;

  return (
    <div
      ref={wrapRef}
      className="heatmap-theme relative min-w-0 [--hm-bg:#ffffff] [--hm-empty:#f1f5f9] [--hm-fg:#0f172a] [--hm-focus:#db2777] [--hm-grid:#e2e8f0] [--hm-hatch:#94a3b8] [--hm-muted:#64748b] dark:[--hm-bg:#0f172a] dark:[--hm-empty:#1e293b] dark:[--hm-fg:#e2e8f0] dark:[--hm-focus:#f472b6] dark:[--hm-grid:#334155] dark:[--hm-hatch:#64748b] dark:[--hm-muted:#94a3b8]"
    >
      <div className="flex">
        {/* row labels: same geometry as the canvas rows */}
        <div className="relative w-28 shrink-0 sm:w-44" style={{ height }} aria-hidden>
          <div className="absolute right-2 text-right text-[11px] leading-tight text-slate-500 dark:text-slate-400" style={{ top: AXIS_H + 2 }}>
            share drifted
          </div>
          {display.map((r, i) => {
            const row = rowOf(r);
            return (
              <div
                key={r}
                className={`absolute right-2 left-0 truncate text-right text-xs leading-5 ${r === -1 ? "font-semibold italic text-slate-700 dark:text-slate-200" : "text-slate-700 dark:text-slate-300"} ${active.row === r ? "font-semibold text-pink-700 dark:text-pink-300" : ""}`}
                style={{ top: layout.top(i), height: CELL_H }}
                title={row.name}
                data-row-label={r === -1 ? "@prediction" : row.name}
              >
                {r === -1 ? "prediction (output)" : row.name}
              </div>
            );
          })}
        </div>
        <div ref={scrollRef} className="relative min-w-0 flex-1 overflow-x-auto overscroll-x-contain" data-testid="heatmap-scroll">
          <div
            className="relative rounded outline-none focus-visible:ring-2 focus-visible:ring-pink-600"
            style={{ width, height }}
            tabIndex={0}
            role="application"
            aria-roledescription="heatmap"
            aria-label={`Drift heatmap, ${order.length} features by ${cols} windows. Arrow keys move between cells, Enter opens the selected cell.`}
            aria-describedby="heatmap-active"
            onKeyDown={onKeyDown}
            data-testid="heatmap"
          >
            <canvas
              ref={baseRef}
              className="absolute inset-0"
              style={{ width, height }}
              data-testid="heatmap-canvas"
              data-cell-w={cellW}
              data-cell-h={CELL_H}
              data-cols={cols}
              data-row-order={JSON.stringify(display.map((r) => (r === -1 ? "@prediction" : data.rows[r].name)))}
              data-row-tops={JSON.stringify(display.map((_, i) => layout.top(i)))}
            />
            <canvas
              ref={overRef}
              className="absolute inset-0 cursor-pointer"
              style={{ width, height }}
              onMouseMove={(e) => {
                const c = cellAt(e);
                if (c?.row !== hover?.row || c?.col !== hover?.col) setHover(c);
              }}
              onMouseLeave={() => setHover(null)}
              onClick={(e) => {
                const c = cellAt(e);
                if (!c) return;
                onActive(c);
                onOpen(c);
              }}
            />
            {hover && hoverRow && (
              <div
                role="tooltip"
                className="pointer-events-none absolute z-10 w-64 rounded-md border border-slate-200 bg-white p-2 text-xs shadow-lg dark:border-slate-700 dark:bg-slate-900"
                style={{
                  left: Math.min(Math.max(0, hover.col * cellW - 120), Math.max(0, width - 260)),
                  top: layout.top(hoverIdx) + CELL_H + 4,
                }}
              >
                <Tip data={data} row={hoverRow} col={hover.col} />
              </div>
            )}
          </div>
        </div>
      </div>
      <p id="heatmap-active" className="sr-only" aria-live="polite">
        {activeRow ? describe(data, activeRow, active.col) : ""}
      </p>
    </div>
  );
}

function Tip({ data, row, col }: { data: HeatmapData; row: HeatmapRow; col: number }) {
  const w = data.windows[col];
  const flag = row.flag[col];
  const info = METHOD_INFO[data.method];
  return (
    <>
      <div className="font-semibold text-slate-900 dark:text-slate-100">{row.name}</div>
      <div className="text-slate-600 dark:text-slate-400" title={formatUtcWindow(w.start, w.end)}>
        {formatWindow(w.start, w.end)}
      </div>
      <div className="mt-1">
        {flag === FLAG.none && <span>{row.reason[col] ?? "No values in this window"}</span>}
        {flag === FLAG.insufficient && <span>Insufficient data{row.reason[col] ? `: ${row.reason[col]}` : ""}</span>}
        {(flag === FLAG.ok || flag === FLAG.drifted) && (
          <>
            <span className={flag === FLAG.drifted ? "font-semibold" : ""}>{flag === FLAG.drifted ? "● Drifted" : "No drift"}</span>
            <span className="text-slate-600 dark:text-slate-400"> · {info.label}</span>
            <div className="tabular-nums">
              {row.value[col] !== null && <>value {formatStat(row.value[col])} · </>}
              {row.p[col] !== null && <>p {formatP(row.p[col])} · </>}
              {row.ratio[col] !== null && <>{formatStat(row.ratio[col])}× threshold</>}
            </div>
          </>
        )}
      </div>
    </>
  );
}
