"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { type ReactNode, useEffect, useMemo, useRef, useState } from "react";
import { type Cell, Heatmap } from "./Heatmap";
import { Legend } from "./Legend";
import { type HeatmapData, type RowSort, sortRows } from "./model";
import { WindowTime } from "./WindowTime";

export type DriftControls = {
  method: string;
  methods: readonly string[];
  methodLabels: Record<string, string>;
  step: string;
  steps: readonly string[];
  cols: number;
  colsOptions: readonly number[];
  /** methods that read raw events, and the most windows they may show */
  rawMethods: readonly string[];
  maxRawCols: number;
  sort: RowSort;
  sorts: readonly RowSort[];
};

const SORT_LABELS: Record<RowSort, string> = {
  current: "Current drift",
  worst: "Worst drift in range",
  drifted: "Drifted windows",
  name: "Name",
  importance: "Importance",
};

const PREDICTION = "@prediction";

function cellKey(data: HeatmapData, c: Cell): string {
  const name = c.row === -1 ? PREDICTION : data.rows[c.row].name;
  return `${name}@${data.windows[c.col].start}`;
}

function cellFromKey(data: HeatmapData, key: string | null): Cell | null {
  if (!key) return null;
  const at = key.lastIndexOf("@");
  if (at <= 0) return null;
  const name = key.slice(0, at);
  const t = Date.parse(key.slice(at + 1));
  const col = data.windows.findIndex((w) => Date.parse(w.start) === t);
  const row = name === PREDICTION ? (data.prediction ? -1 : -2) : data.rows.findIndex((r) => r.name === name);
  return col >= 0 && row >= -1 ? { row, col } : null;
}

export function DriftView({
  data,
  controls,
  stepHours,
  detail,
  detailFor,
}: {
  data: HeatmapData;
  controls: DriftControls;
  stepHours: number;
  /** the server-rendered detail of the cell in the URL (`cell=`), or null */
  detail: ReactNode;
  detailFor: string | null;
}) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const sort = (params.get("sort") as RowSort | null) ?? controls.sort;
  const order = useMemo(() => {
    const sorted = sortRows(data.rows, controls.sorts.includes(sort) ? sort : controls.sort);
    const idx = new Map(data.rows.map((r, i) => [r, i]));
    return sorted.map((r) => idx.get(r)!);
  }, [data, sort, controls.sort, controls.sorts]);

  const urlCell = cellFromKey(data, params.get("cell"));
  // opens on the worst window: its highest-ranked feature (the first row in the current order) is selected
  const [active, setActive] = useState<Cell>(() => urlCell ?? { row: order[0] ?? -1, col: data.worst });
  // the drawer opens at once on a click; its detail streams in from the server when the URL has changed
  const [open, setOpen] = useState<Cell | null>(urlCell);
  // the URL is the truth once a navigation lands (Back/Forward, a permalink): follow it, during render
  const cellParam = params.get("cell");
  const [seenCell, setSeenCell] = useState(cellParam);
  if (seenCell !== cellParam) {
    setSeenCell(cellParam);
    setOpen(urlCell);
    if (urlCell) setActive(urlCell);
  }
  // another range, window size or method (a navigation keeps this component): start again on the worst window
  const viewKey = `${data.method}|${data.windows[0]?.start}|${data.windows.length}`;
  const [seenView, setSeenView] = useState(viewKey);
  if (seenView !== viewKey) {
    setSeenView(viewKey);
    setActive(urlCell ?? { row: order[0] ?? -1, col: data.worst });
    setOpen(urlCell);
  }
  const heatmapRef = useRef<HTMLDivElement>(null);

  const href = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params.toString());
    for (const [k, v] of Object.entries(changes)) {
      if (v === null) next.delete(k);
      else next.set(k, v);
    }
    const s = next.toString();
    return s ? `${pathname}?${s}` : pathname;
  };

  const openCell = (c: Cell) => {
    setActive(c);
    setOpen(c);
    router.push(href({ cell: cellKey(data, c) }), { scroll: false });
  };
  const close = () => {
    setOpen(null);
    // closing needs nothing from the server: the URL changes without a navigation (Back reopens it)
    window.history.pushState(null, "", href({ cell: null }));
    requestAnimationFrame(() => heatmapRef.current?.querySelector<HTMLElement>("[data-testid=heatmap]")?.focus());
  };
  const neighbour = (dc: number) => {
    if (!open) return;
    const col = open.col + dc;
    if (col < 0 || col >= data.windows.length) return;
    const c = { row: open.row, col };
    setActive(c);
    setOpen(c);
    router.replace(href({ cell: cellKey(data, c) }), { scroll: false });
  };

  const setParam = (k: string, v: string, keepCell = false) => router.push(href({ [k]: v, ...(keepCell ? {} : { cell: null }) }), { scroll: false });
  const worst = data.windows[data.worst];
  const totalTested = worst?.tested ?? 0;
  const openKey = open ? cellKey(data, open) : null;
  const noData = data.windows.every((w) => w.tested === 0) && data.rows.every((r) => r.flag.every((f) => f === 3));

  return (
    // on wide screens the open drawer takes the right of the viewport: the heatmap narrows to stay beside it
    <div className={`space-y-4 ${open ? "xl:pr-[34rem]" : ""}`}>
      <form className="flex flex-wrap items-end gap-3 text-sm" onSubmit={(e) => e.preventDefault()} aria-label="Heatmap settings">
        <Select
          label="Method"
          value={controls.method}
          onChange={(v) => {
            // the raw-value methods read each window's events: at most maxRawCols windows
            const tooMany = controls.rawMethods.includes(v) && controls.cols > controls.maxRawCols;
            router.push(href({ method: v, cell: null, ...(tooMany ? { cols: String(controls.colsOptions.filter((c) => c <= controls.maxRawCols).at(-1)) } : {}) }), { scroll: false });
          }}
          options={controls.methods.map((m) => [m, controls.methodLabels[m] ?? m])}
          testId="method"
        />
        <Select label="Window" value={controls.step} onChange={(v) => setParam("step", v)} options={controls.steps.map((s) => [s, s])} testId="step" />
        <Select
          label="Windows"
          value={String(controls.cols)}
          onChange={(v) => setParam("cols", v)}
          options={controls.colsOptions.map((c) => [String(c), String(c), controls.rawMethods.includes(controls.method) && c > controls.maxRawCols])}
          testId="cols"
        />
        <Select
          label="Sort rows by"
          value={sort}
          onChange={(v) => {
            // sorting needs no server: the URL changes without a navigation
            window.history.replaceState(null, "", href({ sort: v }));
          }}
          options={controls.sorts.map((s) => [s, SORT_LABELS[s]])}
          testId="sort"
        />
      </form>

      {worst && !noData && (
        <p className="text-sm text-slate-700 dark:text-slate-300" data-testid="worst-window" data-start={worst.start} data-end={worst.end} data-col={data.worst}>
          <span className="font-medium">Worst window:</span>{" "}
          <WindowTime start={worst.start} end={worst.end} />{" "}
          — <span data-testid="worst-drifted" className="tabular-nums">{worst.drifted} / {totalTested}</span> tested features drifted
          {" · "}
          <button type="button" className="font-medium text-pink-700 underline underline-offset-2 hover:no-underline dark:text-pink-300" onClick={() => openCell({ row: order[0] ?? -1, col: data.worst })}>
            inspect it
          </button>
        </p>
      )}
      {noData && (
        <p className="rounded-lg border border-dashed border-slate-300 p-4 text-sm text-slate-600 dark:border-slate-700 dark:text-slate-400" data-testid="no-windows">
          No events in these windows. Choose a longer range (more windows or a larger window size), or send predictions with
          <code className="mx-1 rounded bg-slate-100 px-1 dark:bg-slate-800">POST /api/v1/predictions</code>.
        </p>
      )}

      <div ref={heatmapRef} className="rounded-xl border border-slate-200 bg-white p-3 shadow-sm dark:border-slate-800 dark:bg-slate-900 sm:p-4">
        <Heatmap data={data} order={order} active={active} onActive={setActive} onOpen={openCell} stepHours={stepHours} />
        <Legend method={data.method} />
      </div>

      {open && (
        <Drawer
          data={data}
          cell={open}
          onClose={close}
          onPrev={() => neighbour(-1)}
          onNext={() => neighbour(1)}
          permalink={href({ cell: openKey })}
        >
          {detailFor === openKey ? detail : <DetailSkeleton />}
        </Drawer>
      )}
    </div>
  );
}

function Select({
  label,
  value,
  onChange,
  options,
  testId,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  /** value, label, and whether the option is unavailable */
  options: [string, string, boolean?][];
  testId: string;
}) {
  return (
    <label className="flex flex-col gap-1">
      <span className="text-xs font-medium text-slate-600 dark:text-slate-400">{label}</span>
      <select
        className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-slate-900 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        data-testid={testId}
      >
        {options.map(([v, l, disabled]) => (
          <option key={v} value={v} disabled={disabled}>
            {l}
          </option>
        ))}
      </select>
    </label>
  );
}

function DetailSkeleton() {
  return (
    <div className="space-y-3" aria-busy="true" aria-label="Loading the cell's details">
      <div className="h-40 animate-pulse rounded-md bg-slate-200 dark:bg-slate-800" />
      <div className="h-4 w-2/3 animate-pulse rounded bg-slate-200 dark:bg-slate-800" />
      <div className="h-32 animate-pulse rounded-md bg-slate-200 dark:bg-slate-800" />
    </div>
  );
}

function Drawer({
  data,
  cell,
  onClose,
  onPrev,
  onNext,
  permalink,
  children,
}: {
  data: HeatmapData;
  cell: Cell;
  onClose: () => void;
  onPrev: () => void;
  onNext: () => void;
  permalink: string;
  children: ReactNode;
}) {
  const ref = useRef<HTMLElement>(null);
  const row = cell.row === -1 ? data.prediction : data.rows[cell.row];
  const w = data.windows[cell.col];
  const [copied, setCopied] = useState(false);

  useEffect(() => {
    ref.current?.focus();
  }, []);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (t && (t.tagName === "SELECT" || t.tagName === "INPUT" || t.tagName === "TEXTAREA")) return;
      if (e.key === "Escape") {
        e.preventDefault();
        onClose();
      } else if (e.key === "ArrowLeft" && ref.current?.contains(t)) {
        e.preventDefault();
        onPrev();
      } else if (e.key === "ArrowRight" && ref.current?.contains(t)) {
        e.preventDefault();
        onNext();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose, onPrev, onNext]);

  if (!row || !w) return null;
  return (
    <aside
      ref={ref}
      tabIndex={-1}
      role="dialog"
      aria-modal="false"
      aria-labelledby="drawer-title"
      data-testid="drawer"
      className="fixed inset-y-0 right-0 z-40 flex w-full max-w-lg flex-col border-l border-slate-200 bg-white shadow-2xl outline-none dark:border-slate-800 dark:bg-slate-950"
    >
      <header className="flex items-start justify-between gap-3 border-b border-slate-200 p-4 dark:border-slate-800">
        <div className="min-w-0">
          <h2 id="drawer-title" className="truncate text-lg font-semibold text-slate-900 dark:text-slate-100" data-testid="drawer-feature">
            {cell.row === -1 ? "Prediction (output)" : row.name}
          </h2>
          <p className="text-sm text-slate-600 dark:text-slate-400">
            <WindowTime start={w.start} end={w.end} testId="drawer-window" />
          </p>
        </div>
        <button
          type="button"
          onClick={onClose}
          className="rounded-md px-2 py-1 text-sm text-slate-600 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800"
          aria-label="Close (Esc)"
        >
          ✕
        </button>
      </header>
      <nav className="flex flex-wrap items-center gap-2 border-b border-slate-200 px-4 py-2 text-sm dark:border-slate-800" aria-label="Neighbouring windows">
        <button type="button" onClick={onPrev} disabled={cell.col === 0} className="rounded-md border border-slate-300 px-2 py-1 disabled:opacity-40 dark:border-slate-700" data-testid="drawer-prev">
          ← Previous window
        </button>
        <button
          type="button"
          onClick={onNext}
          disabled={cell.col === data.windows.length - 1}
          className="rounded-md border border-slate-300 px-2 py-1 disabled:opacity-40 dark:border-slate-700"
          data-testid="drawer-next"
        >
          Next window →
        </button>
        <button
          type="button"
          className="ml-auto rounded-md px-2 py-1 text-pink-700 underline underline-offset-2 hover:no-underline dark:text-pink-300"
          onClick={() => {
            const url = new URL(permalink, window.location.origin).toString();
            void navigator.clipboard?.writeText(url).then(
              () => setCopied(true),
              () => setCopied(false),
            );
          }}
          data-testid="permalink"
          data-href={permalink}
        >
          {copied ? "Link copied" : "Copy permalink"}
        </button>
      </nav>
      <div className="min-h-0 flex-1 overflow-y-auto p-4" tabIndex={0} role="region" aria-label="Cell details">
        {children}
      </div>
    </aside>
  );
}
