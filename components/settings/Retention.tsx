"use client";
import { useState, useTransition } from "react";
import { ActionMessage, inputClass, primaryButton, type ActionResult } from "@/components/alerts/ui";
import { Time } from "@/components/ui/Time";

type Setting = { days: number | null; updatedAt: string | null; updatedBy: string | null };

/** The install's raw-event retention: keep forever, or delete raw events older than N days (rollups stay). */
export function Retention({ setting, save }: { setting: Setting; save: (days: number | null) => Promise<ActionResult> }) {
  const [mode, setMode] = useState<"forever" | "days">(setting.days === null ? "forever" : "days");
  const [days, setDays] = useState(String(setting.days ?? 90));
  const [result, setResult] = useState<ActionResult | null>(null);
  const [pending, start] = useTransition();
  const radio = "size-4 accent-sky-700";
  return (
    <form
      aria-label="Raw-event retention"
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        const n = Number(days);
        if (mode === "days" && !(Number.isInteger(n) && n >= 1 && n <= 3650)) {
          setResult({ ok: false, message: "Retention is a whole number of days from 1 to 3650." });
          return;
        }
        start(async () => setResult(await save(mode === "forever" ? null : n)));
      }}
    >
      <p className="max-w-prose text-sm text-slate-600 dark:text-slate-400">
        Raw prediction events are kept for label joins, the raw-value drift tests (KS, Wasserstein, Evidently) and references from a production
        window. Rollups are kept regardless: charts, read API and <code>/metrics</code> show old ranges as before. Raw events are stored by UTC
        day: a pass every hour drops each day, with its labels, once all of it is older than the retention (so up to a day more is kept). Events and
        labels dated before that cut are refused.
      </p>
      <div className="space-y-2 text-sm">
        <label className="flex items-center gap-2">
          <input type="radio" name="mode" className={radio} checked={mode === "forever"} onChange={() => setMode("forever")} />
          Keep raw events forever
        </label>
        <div className="flex flex-wrap items-center gap-2">
          <label className="flex items-center gap-2">
            <input type="radio" name="mode" className={radio} checked={mode === "days"} onChange={() => setMode("days")} />
            Delete raw events older than
          </label>
          <span className="flex items-center gap-2">
            <input
              aria-label="Retention in days"
              inputMode="numeric"
              value={days}
              disabled={mode !== "days"}
              onChange={(e) => setDays(e.target.value)}
              className={`${inputClass} !w-20 !py-1 tabular-nums`}
            />
            <span>days</span>
          </span>
        </div>
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" disabled={pending} className={primaryButton}>
          Save retention
        </button>
        {setting.updatedAt && (
          <span className="text-xs text-slate-600 dark:text-slate-400">
            Last changed <Time iso={setting.updatedAt} />
            {setting.updatedBy ? ` by ${setting.updatedBy.replace(/^user:/, "")}` : ""}
          </span>
        )}
      </div>
      <ActionMessage result={result} />
    </form>
  );
}
