"use client";
import { useState, useTransition } from "react";
import type { SilenceView } from "@/lib/alerts/notify/silences";
import { ActionMessage, At, dangerButton, Pill, type ActionResult } from "./ui";

/** Silences with their matchers and time range; active and pending ones can be expired. */
export function SilenceList({ silences, expire }: { silences: SilenceView[]; expire: (id: string) => Promise<ActionResult> }) {
  const [pending, start] = useTransition();
  const [result, setResult] = useState<ActionResult | null>(null);
  if (silences.length === 0) return <p className="text-sm text-slate-600 dark:text-slate-400">No silences in the last week.</p>;
  return (
    <div className="space-y-2">
      <ActionMessage result={result} />
      <ul className="divide-y divide-slate-100 dark:divide-slate-800" aria-label="Silences">
        {silences.map((s) => (
          <li key={s.id} className="flex flex-wrap items-start justify-between gap-2 py-3" data-testid="silence">
            <div className="min-w-0 space-y-1">
              <div className="flex flex-wrap items-center gap-2">
                <Pill value={s.state} />
                {s.matchers.map((m, i) => (
                  <code key={i} className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs break-all text-slate-800 dark:bg-slate-800 dark:text-slate-200">
                    {m.name}
                    {m.op}&quot;{m.value}&quot;
                  </code>
                ))}
              </div>
              <p className="text-xs text-slate-600 dark:text-slate-400">
                <At iso={s.startsAt} /> → <At iso={s.endsAt} />
                {s.createdBy && ` · by ${s.createdBy}`}
                {s.comment && ` · ${s.comment}`}
              </p>
            </div>
            {s.state !== "expired" && (
              <button
                type="button"
                className={dangerButton}
                disabled={pending}
                onClick={() => start(async () => setResult(await expire(s.id)))}
                aria-label={`Expire silence ${s.matchers.map((m) => `${m.name}${m.op}${m.value}`).join(", ")}`}
              >
                Expire
              </button>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
