"use client";
import { useState, useTransition } from "react";
import { ActionMessage, dangerButton, formatTime, inputClass, labelClass, Pill, primaryButton, secondaryButton, type ActionResult } from "./ui";

/** A rule as the editor edits it: the API's fields (`model` null = every model). */
export type RuleDraft = {
  name: string;
  model: string | null;
  metric: string;
  comparison: string;
  threshold: number;
  window: string;
  for: string;
  severity: string;
};
export type RuleRow = RuleDraft & { id: string; enabled?: boolean; state?: string };

/** What a backtest answers, as the editor shows it. */
export type PreviewResult =
  | { ok: true; summary: string; firings: { start: string; end: string | null }[] }
  | { ok: false; message: string; errors?: { path: string; message: string }[] };

export type RuleActions = {
  save: (id: string | null, draft: RuleDraft) => Promise<ActionResult>;
  remove: (id: string) => Promise<ActionResult>;
  preview: (draft: RuleDraft) => Promise<PreviewResult>;
};

const EMPTY: RuleDraft = { name: "", model: null, metric: "error_rate", comparison: ">", threshold: 0.01, window: "5m", for: "5m", severity: "warning" };

function RuleEditor({
  initial,
  id,
  metrics,
  models,
  actions,
  onClose,
}: {
  initial: RuleDraft;
  id: string | null;
  metrics: string[];
  models: string[];
  actions: RuleActions;
  onClose: () => void;
}) {
  const [draft, setDraft] = useState<RuleDraft>(initial);
  const [result, setResult] = useState<ActionResult | null>(null);
  const [preview, setPreview] = useState<PreviewResult | null>(null);
  const [pending, start] = useTransition();
  const set = (patch: Partial<RuleDraft>) => setDraft((d) => ({ ...d, ...patch }));
  return (
    <form
      aria-label={id ? `Edit rule ${initial.name}` : "New rule"}
      className="space-y-3 rounded-lg border border-slate-200 p-3 dark:border-slate-700"
      onSubmit={(e) => {
        e.preventDefault();
        start(async () => {
          const r = await actions.save(id, draft);
          setResult(r);
          if (r.ok) onClose();
        });
      }}
    >
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <label className="sm:col-span-2">
          <span className={labelClass}>Name</span>
          <input className={inputClass} value={draft.name} onChange={(e) => set({ name: e.target.value })} placeholder="HighErrorRate" />
        </label>
        <label>
          <span className={labelClass}>Model</span>
          <select className={inputClass} value={draft.model ?? ""} onChange={(e) => set({ model: e.target.value || null })}>
            <option value="">All models</option>
            {models.map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
        </label>
        <label>
          <span className={labelClass}>Severity</span>
          <select className={inputClass} value={draft.severity} onChange={(e) => set({ severity: e.target.value })}>
            <option>warning</option>
            <option>critical</option>
          </select>
        </label>
        <label>
          <span className={labelClass}>Metric</span>
          <select className={inputClass} value={draft.metric} onChange={(e) => set({ metric: e.target.value })}>
            {[...new Set([...metrics, draft.metric])].map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
        </label>
        <div className="grid grid-cols-[5rem_1fr] gap-2">
          <label>
            <span className={labelClass}>Is</span>
            <select className={inputClass} value={draft.comparison} onChange={(e) => set({ comparison: e.target.value })}>
              <option value=">">above</option>
              <option value="<">below</option>
            </select>
          </label>
          <label>
            <span className={labelClass}>Threshold</span>
            <input className={inputClass} type="number" step="any" value={Number.isFinite(draft.threshold) ? draft.threshold : ""} onChange={(e) => set({ threshold: e.target.valueAsNumber })} />
          </label>
        </div>
        <label>
          <span className={labelClass}>Window</span>
          <input className={inputClass} value={draft.window} onChange={(e) => set({ window: e.target.value })} placeholder="5m" />
        </label>
        <label>
          <span className={labelClass}>For</span>
          <input className={inputClass} value={draft.for} onChange={(e) => set({ for: e.target.value })} placeholder="0s" />
        </label>
      </div>
      <ActionMessage result={result} />
      <div className="flex flex-wrap gap-2">
        <button type="submit" className={primaryButton} disabled={pending}>
          {id ? "Save rule" : "Create rule"}
        </button>
        <button type="button" className={secondaryButton} disabled={pending} onClick={() => start(async () => setPreview(await actions.preview(draft)))}>
          Preview
        </button>
        <button type="button" className={secondaryButton} onClick={onClose}>
          Cancel
        </button>
      </div>
      {preview && (
        <div role="status" aria-label="Backtest" className="rounded-md bg-slate-50 p-3 text-sm dark:bg-slate-800">
          {preview.ok ? (
            <>
              <p className="font-medium" data-testid="backtest-summary">
                {preview.summary}
              </p>
              {preview.firings.length > 0 && (
                <ol className="mt-1 space-y-0.5 text-xs tabular-nums text-slate-700 dark:text-slate-300">
                  {preview.firings.slice(0, 20).map((f, i) => (
                    <li key={i}>
                      {formatTime(f.start)} → {f.end ? formatTime(f.end) : "still firing"}
                    </li>
                  ))}
                  {preview.firings.length > 20 && <li>…and {preview.firings.length - 20} more</li>}
                </ol>
              )}
            </>
          ) : (
            <ActionMessage result={preview} />
          )}
        </div>
      )}
    </form>
  );
}

const describe = (r: RuleDraft) =>
  `${r.metric} ${r.comparison === "<" ? "below" : "above"} ${r.threshold} over ${r.window}${r.for && r.for !== "0s" ? ` for ${r.for}` : ""}`;

/** The rules with an editor (create, edit, delete) and the backtest preview. */
export function Rules({ rules, metrics, models, actions }: { rules: RuleRow[]; metrics: string[]; models: string[]; actions: RuleActions }) {
  const [editing, setEditing] = useState<string | "new" | null>(null);
  const [pending, start] = useTransition();
  const [result, setResult] = useState<ActionResult | null>(null);
  return (
    <div className="space-y-4">
      {editing === "new" ? (
        <RuleEditor initial={EMPTY} id={null} metrics={metrics} models={models} actions={actions} onClose={() => setEditing(null)} />
      ) : (
        <button type="button" className={primaryButton} onClick={() => setEditing("new")}>
          New rule
        </button>
      )}
      <ActionMessage result={result} />
      {rules.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">No rules yet.</p>
      ) : (
        <ul className="divide-y divide-slate-100 dark:divide-slate-800" aria-label="Rules">
          {rules.map((r) => (
            <li key={r.id} className="py-3" data-testid="rule" data-rule={r.name}>
              {editing === r.id ? (
                <RuleEditor initial={r} id={r.id} metrics={metrics} models={models} actions={actions} onClose={() => setEditing(null)} />
              ) : (
                <div className="flex flex-wrap items-start justify-between gap-2">
                  <div className="min-w-0">
                    <div className="flex flex-wrap items-center gap-2">
                      <span className="font-medium break-all">{r.name}</span>
                      <Pill value={r.severity} />
                      {r.state && r.state !== "inactive" && <Pill value={r.state} />}
                      {r.enabled === false && <Pill value="disabled" />}
                    </div>
                    <p className="text-xs text-slate-600 dark:text-slate-400">
                      {r.model ?? "all models"} · {describe(r)}
                    </p>
                  </div>
                  <div className="flex gap-2">
                    <button type="button" className={secondaryButton} onClick={() => setEditing(r.id)} aria-label={`Edit ${r.name}`}>
                      Edit
                    </button>
                    <button
                      type="button"
                      className={dangerButton}
                      disabled={pending}
                      aria-label={`Delete ${r.name}`}
                      onClick={() => {
                        if (window.confirm(`Delete rule ${r.name}?`)) start(async () => setResult(await actions.remove(r.id)));
                      }}
                    >
                      Delete
                    </button>
                  </div>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
