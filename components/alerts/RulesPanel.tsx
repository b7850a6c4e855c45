"use client";
import Link from "next/link";
import { useState, useTransition } from "react";
import type { RuleView } from "@/lib/alerts/rules/store";
import { COMPARISON_LABELS, METRIC_LABELS, metricValue, silenceHref } from "./format";
import { RuleEditor, type RuleEditorActions, type RuleInput, type RuleOptions } from "./RuleEditor";
import { ActionMessage, dangerButton, inputClass, Pill, primaryButton, secondaryButton, type ActionResult } from "./ui";

export type RuleListActions = Pick<RuleEditorActions, "preview"> & {
  create: (input: RuleInput) => Promise<ActionResult>;
  update: (id: string, input: RuleInput) => Promise<ActionResult>;
  setEnabled: (id: string, enabled: boolean) => Promise<ActionResult>;
  remove: (id: string) => Promise<ActionResult>;
};

const small = "!px-2 !py-1 !text-xs";

function Field({ label, children, testId }: { label: string; children: React.ReactNode; testId?: string }) {
  return (
    <div className="flex gap-1">
      <dt className="text-slate-500 dark:text-slate-400">{label}</dt>
      <dd className="font-medium text-slate-800 dark:text-slate-200" data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}

/** The alert rules (filterable by scope), each editable, pausable, silenceable and deletable; and the editor. */
export function RulesPanel({ rules, options, canEdit, actions }: { rules: RuleView[]; options: RuleOptions; canEdit: boolean; actions: RuleListActions }) {
  const [editing, setEditing] = useState<RuleView | "new" | null>(null);
  const [scope, setScope] = useState("*");
  const [result, setResult] = useState<ActionResult | null>(null);
  const [pending, start] = useTransition();
  const run = (fn: () => Promise<ActionResult>) => start(async () => setResult(await fn()));
  const shown = rules.filter((r) => scope === "*" || (scope === "" ? r.model === null : r.model === scope));
  const scopes = [...new Set(rules.map((r) => r.model).filter((m): m is string => m !== null))].sort();
  const save: RuleEditorActions["save"] = async (id, input) => {
    const r = id === null ? await actions.create(input) : await actions.update(id, input);
    if (r.ok) setResult(r);
    return r;
  };

  return (
    <div className="space-y-4">
      {editing !== null && canEdit && (
        <div className="rounded-lg border border-sky-200 p-3 dark:border-sky-900" id="rule-editor">
          <h3 className="mb-3 text-sm font-semibold">{editing === "new" ? "New rule" : `Edit rule ${editing.name}`}</h3>
          <RuleEditor key={editing === "new" ? "new" : editing.id} rule={editing === "new" ? null : editing} options={options} actions={{ preview: actions.preview, save }} onDone={() => setEditing(null)} />
        </div>
      )}
      <div className="flex flex-wrap items-end justify-between gap-2">
        <label className="text-sm">
          <span className="mr-2 text-slate-600 dark:text-slate-400">Show</span>
          <select className={`${inputClass} inline-block w-auto max-w-[16rem]`} value={scope} onChange={(e) => setScope(e.target.value)} aria-label="Show rules of">
            <option value="*">every rule ({rules.length})</option>
            <option value="">all-models rules</option>
            {scopes.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </label>
        {canEdit && editing === null && (
          <button type="button" className={primaryButton} onClick={() => setEditing("new")}>
            New rule
          </button>
        )}
      </div>
      <ActionMessage result={result} />
      {shown.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          No rules here. Every model gets the default rules when it is created; {canEdit ? "add your own with New rule." : "an editor can add more."}
        </p>
      ) : (
        <ul className="divide-y divide-slate-100 dark:divide-slate-800" aria-label="Alert rules">
          {shown.map((r) => (
            <li key={r.id} className="py-2.5" data-testid="rule">
              <div className="flex flex-wrap items-start justify-between gap-2">
                <div className="min-w-0 space-y-1">
                  <div className="flex flex-wrap items-center gap-2">
                    <span className="font-medium break-all">{r.name}</span>
                    <Pill value={r.severity} />
                    <Pill value={r.enabled ? "enabled" : "disabled"} />
                    {r.isDefault && <span className="text-xs text-slate-500 dark:text-slate-400">default</span>}
                  </div>
                  <dl className="flex flex-wrap gap-x-4 gap-y-0.5 text-xs">
                    <Field label="Model">
                      {r.model === null ? (
                        "all models"
                      ) : (
                        <Link href={`/models/${encodeURIComponent(r.model)}`} className="break-all text-sky-800 hover:underline dark:text-sky-300">
                          {r.model}
                        </Link>
                      )}
                    </Field>
                    <Field label="Metric">
                      <span title={METRIC_LABELS[r.metric]}>{r.metric}</span>
                    </Field>
                    <Field label="When">
                      <span title={COMPARISON_LABELS[r.comparison]}>{r.comparison}</span>
                    </Field>
                    <Field label="Threshold" testId="rule-threshold">
                      {metricValue(r.metric, r.comparison, r.threshold)}
                    </Field>
                    <Field label="Window">{r.window}</Field>
                    <Field label="For">{r.for}</Field>
                    {r.minSamples > 0 && <Field label="Min samples">{r.minSamples.toLocaleString("en-US")}</Field>}
                    {Object.entries(r.labels).map(([k, v]) => (
                      <Field key={k} label={k}>
                        {v}
                      </Field>
                    ))}
                  </dl>
                </div>
                {canEdit && (
                  <div className="flex flex-wrap gap-1.5">
                    <button
                      type="button"
                      className={`${secondaryButton} ${small}`}
                      onClick={() => {
                        setEditing(r);
                        setResult(null);
                        requestAnimationFrame(() => document.getElementById("rule-editor")?.scrollIntoView({ block: "start" }));
                      }}
                      aria-label={`Edit ${r.name}${r.model ? ` on ${r.model}` : ""}`}
                    >
                      Edit
                    </button>
                    <button type="button" className={`${secondaryButton} ${small}`} disabled={pending} onClick={() => run(() => actions.setEnabled(r.id, !r.enabled))} aria-label={`${r.enabled ? "Disable" : "Enable"} ${r.name}${r.model ? ` on ${r.model}` : ""}`}>
                      {r.enabled ? "Disable" : "Enable"}
                    </button>
                    <Link
                      className={`${secondaryButton} ${small}`}
                      href={silenceHref([{ name: "alertname", value: r.name }, ...(r.model ? [{ name: "model_name", value: r.model }] : [])])}
                      aria-label={`Silence ${r.name}${r.model ? ` on ${r.model}` : ""}`}
                    >
                      Silence
                    </Link>
                    <button
                      type="button"
                      className={`${dangerButton} ${small}`}
                      disabled={pending}
                      onClick={() => {
                        if (window.confirm(`Delete rule ${r.name}${r.model ? ` of ${r.model}` : ""} and its alerts?`)) run(() => actions.remove(r.id));
                      }}
                      aria-label={`Delete ${r.name}${r.model ? ` on ${r.model}` : ""}`}
                    >
                      Delete
                    </button>
                  </div>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
