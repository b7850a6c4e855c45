"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useRef, useState } from "react";

const STATUSES = [
  { value: "", label: "All statuses" },
  { value: "critical", label: "Critical" },
  { value: "warning", label: "Warning" },
  { value: "healthy", label: "Healthy" },
  { value: "no_data", label: "No data" },
];

/** Search and the status filter, kept in the URL (so a view can be shared and Back restores it). */
export function FleetControls() {
  const router = useRouter();
  const path = usePathname();
  const params = useSearchParams();
  const [q, setQ] = useState(params.get("q") ?? "");
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const go = (changes: Record<string, string>, mode: "push" | "replace") => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    const qs = next.toString();
    router[mode](qs ? `${path}?${qs}` : path, { scroll: false });
  };
  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);

  const field =
    "h-8 rounded-md border border-slate-300 bg-white px-2.5 text-sm text-slate-900 shadow-sm focus:border-sky-600 focus:outline-none focus:ring-2 focus:ring-sky-600/30 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100";
  return (
    <form role="search" className="flex flex-wrap items-center gap-2" onSubmit={(e) => e.preventDefault()}>
      <label className="sr-only" htmlFor="fleet-search">
        Search models
      </label>
      <input
        id="fleet-search"
        type="search"
        placeholder="Search models"
        value={q}
        onChange={(e) => {
          const v = e.target.value;
          setQ(v);
          if (timer.current) clearTimeout(timer.current);
          timer.current = setTimeout(() => go({ q: v.trim() }, "replace"), 200);
        }}
        className={`${field} w-48`}
        data-testid="fleet-search"
      />
      <label className="sr-only" htmlFor="fleet-status">
        Status
      </label>
      <select
        id="fleet-status"
        value={params.get("status") ?? ""}
        onChange={(e) => go({ status: e.target.value }, "push")}
        className={field}
        data-testid="fleet-status"
      >
        {STATUSES.map((s) => (
          <option key={s.value} value={s.value}>
            {s.label}
          </option>
        ))}
      </select>
    </form>
  );
}
