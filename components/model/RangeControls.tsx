"use client";

import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";

const field =
  "h-8 rounded-md border border-slate-300 bg-white px-2 text-sm text-slate-900 shadow-sm focus:border-sky-600 focus:outline-none focus:ring-2 focus:ring-sky-600/30 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100";

/** `datetime-local` wants local wall time without a zone. */
function toLocalInput(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/**
 * The model page's time range (presets, or a custom from/to), version and segment filters. Every change is a new
 * URL (pushed, so Back returns to the previous view); the server renders the charts for it.
 */
export function RangeControls({
  ranges,
  range,
  from,
  to,
  versions,
  version,
  segments,
}: {
  ranges: string[];
  range: string | null;
  from: string;
  to: string;
  versions: string[];
  version: string | null;
  segments: Record<string, string>;
}) {
  const router = useRouter();
  const path = usePathname();
  const params = useSearchParams();
  const [custom, setCustom] = useState(range === null);
  const [seg, setSeg] = useState("");

  const href = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v === null) next.delete(k);
      else next.set(k, v);
    }
    const qs = next.toString();
    return qs ? `${path}?${qs}` : path;
  };
  const go = (changes: Record<string, string | null>) => router.push(href(changes), { scroll: false });

  return (
    <div className="flex flex-wrap items-center gap-2 text-sm" data-testid="range-controls">
      <div role="group" aria-label="Time range" className="inline-flex overflow-hidden rounded-md border border-slate-300 dark:border-slate-700">
        {ranges.map((r) => (
          <Link
            key={r}
            href={href({ range: r, from: null, to: null })}
            scroll={false}
            aria-current={range === r ? "true" : undefined}
            className={`px-2.5 py-1 ${range === r ? "bg-slate-900 text-white dark:bg-slate-100 dark:text-slate-900" : "bg-white text-slate-700 hover:bg-slate-100 dark:bg-slate-900 dark:text-slate-300 dark:hover:bg-slate-800"}`}
          >
            {r}
          </Link>
        ))}
        <button
          type="button"
          onClick={() => setCustom((c) => !c)}
          aria-expanded={custom}
          className={`px-2.5 py-1 ${range === null ? "bg-slate-900 text-white dark:bg-slate-100 dark:text-slate-900" : "bg-white text-slate-700 hover:bg-slate-100 dark:bg-slate-900 dark:text-slate-300 dark:hover:bg-slate-800"}`}
        >
          Custom
        </button>
      </div>
      {custom && (
        <form
          className="flex flex-wrap items-center gap-1.5"
          onSubmit={(e) => {
            e.preventDefault();
            const f = new FormData(e.currentTarget);
            const a = new Date(String(f.get("from")));
            const b = new Date(String(f.get("to")));
            if (Number.isFinite(a.getTime()) && Number.isFinite(b.getTime()) && a < b) go({ range: null, from: a.toISOString(), to: b.toISOString() });
          }}
        >
          <label className="sr-only" htmlFor="range-from">From</label>
          <input id="range-from" name="from" type="datetime-local" defaultValue={toLocalInput(from)} className={field} />
          <span aria-hidden>–</span>
          <label className="sr-only" htmlFor="range-to">To</label>
          <input id="range-to" name="to" type="datetime-local" defaultValue={toLocalInput(to)} className={field} />
          <button type="submit" className="h-8 rounded-md bg-slate-900 px-3 text-white dark:bg-slate-100 dark:text-slate-900">
            Apply
          </button>
        </form>
      )}
      {versions.length > 0 && (
        <>
          <label className="sr-only" htmlFor="version-filter">Version</label>
          <select id="version-filter" value={version ?? ""} onChange={(e) => go({ version: e.target.value || null })} className={field} data-testid="version-filter">
            <option value="">All versions</option>
            {versions.map((v) => (
              <option key={v} value={v}>
                {v}
              </option>
            ))}
          </select>
        </>
      )}
      <form
        className="flex items-center gap-1.5"
        onSubmit={(e) => {
          e.preventDefault();
          const m = /^\s*([^=\s]+)\s*=\s*(.+?)\s*$/.exec(seg);
          if (m) {
            go({ [`segment.${m[1]}`]: m[2] });
            setSeg("");
          }
        }}
      >
        <label className="sr-only" htmlFor="segment-filter">Segment filter (key=value)</label>
        <input id="segment-filter" value={seg} onChange={(e) => setSeg(e.target.value)} placeholder="segment key=value" className={`${field} w-40`} />
      </form>
      {Object.entries(segments).map(([k, v]) => (
        <Link
          key={k}
          href={href({ [`segment.${k}`]: null })}
          scroll={false}
          className="inline-flex items-center gap-1 rounded-full bg-sky-50 px-2 py-0.5 text-xs text-sky-900 ring-1 ring-sky-600/20 hover:bg-sky-100 dark:bg-sky-950 dark:text-sky-100"
          aria-label={`Remove the filter ${k} = ${v}`}
        >
          {k} = {v} <span aria-hidden>×</span>
        </Link>
      ))}
    </div>
  );
}
