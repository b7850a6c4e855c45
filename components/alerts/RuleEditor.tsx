"use client";
import { useId, useState, useTransition } from "react";
import type { PreviewResult } from "@/lib/alerts/evaluate/preview";
import type { RuleView } from "@/lib/alerts/rules/store";
import { COMPARISON_LABELS, METRIC_LABELS, thresholdHint } from "./format";
import { PreviewTimeline } from "./PreviewTimeline";
import { ActionMessage, inputClass, labelClass, primaryButton, secondaryButton, type ActionResult } from "./ui";

/** The rule as the API takes it (POST /api/v1/alert-rules), before the server validates it. */
export type RuleInput = {
  name: string;
  model: string | null;
  metric: string;
  comparison: string;
  threshold: number | string;
  window: string;
  for: string;
  minSamples: number | string;
  severity: string;
  labels: Record<string, string>;
  enabled: boolean;
};
export type PreviewAnswer = ActionResult & { preview?: PreviewResult };
export type RuleEditorActions = {
  save: (id: string | null, input: RuleInput) => Promise<ActionResult>;
  preview: (input: RuleInput & { days: number }) => Promise<PreviewAnswer>;
};
export type RuleOptions = { metrics: readonly string[]; comparisons: readonly string[]; severities: readonly string[]; models: string[] };

type Draft = Omit<RuleInput, "threshold" | "minSamples" | "labels" | "model"> & {
  model: string;
  threshold: string;
  minSamples: string;
  labels: { key: string; value: string }[];
};

const PREVIEW_DAYS = [1, 3, 7, 14, 30];

function draftOf(rule: RuleView | null, models: string[]): Draft {
  if (!rule) {
    return {
      name: "",
      model: models[0] ?? "",
      metric: "error_rate",
      comparison: ">",
      threshold: "0.05",
      window: "5m",
      for: "0s",
      minSamples: "0",
      severity: "warning",
      labels: [],
      enabled: true,
    };
  }
  return {
    name: rule.name,
    model: rule.model ?? "",
    metric: rule.metric,
    comparison: rule.comparison,
    threshold: String(rule.threshold),
    window: rule.window,
    for: rule.for,
    minSamples: String(rule.minSamples),
    severity: rule.severity,
    labels: Object.entries(rule.labels).map(([key, value]) => ({ key, value })),
    enabled: rule.enabled,
  };
}

/** A number field's text as the API gets it: a number when it reads as one, else the text (the server says why). */
const numberOrText = (s: string): number | string => (s.trim() !== "" && Number.isFinite(Number(s)) ? Number(s) : s);

function inputOf(d: Draft): RuleInput {
  return {
    name: d.name,
    model: d.model === "" ? null : d.model,
    metric: d.metric,
    comparison: d.comparison,
    threshold: numberOrText(d.threshold),
    window: d.window.trim(),
    for: d.for.trim(),
    minSamples: numberOrText(d.minSamples),
    severity: d.severity,
    labels: Object.fromEntries(d.labels.filter((l) => l.key !== "" || l.value !== "").map((l) => [l.key, l.value])),
    enabled: d.enabled,
  };
}

/** zod's wording for a wrong type, said plainly. */
const plain = (message: string) => (/^Invalid input: expected number/.test(message) ? "must be a number" : message);

/**
 * Creates or edits a rule: every field POST /api/v1/alert-rules takes, checked by the server with the API's own
 * schema (errors shown at their fields), and the backtest of the draft over the last days.
 */
export function RuleEditor({ rule, options, actions, onDone }: { rule: RuleView | null; options: RuleOptions; actions: RuleEditorActions; onDone: () => void }) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(rule, options.models));
  const [result, setResult] = useState<ActionResult | null>(null);
  const [days, setDays] = useState(7);
  const [preview, setPreview] = useState<{ answer: PreviewAnswer; days: number } | null>(null);
  const [saving, startSave] = useTransition();
  const [previewing, startPreview] = useTransition();
  const uid = useId();
  const set = (patch: Partial<Draft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    // the errors were about the draft as it was: drop them once it changes
    setResult(null);
    setPreview((p) => (p && !p.answer.ok ? null : p));
  };
  const errorsFrom = (r: ActionResult | null) => (r && !r.ok ? (r.errors ?? []) : []);
  const errors = [...errorsFrom(result), ...errorsFrom(preview?.answer ?? null)];
  const fieldError = (path: string) => errors.find((e) => e.path === path || e.path.startsWith(`${path}.`));
  const FIELDS = ["name", "model", "metric", "comparison", "threshold", "window", "for", "minSamples", "severity", "labels", "enabled", "days"];
  const other = (r: ActionResult | null): ActionResult | null =>
    r && !r.ok ? { ...r, errors: (r.errors ?? []).filter((e) => !FIELDS.some((f) => e.path === f || e.path.startsWith(`${f}.`))).map((e) => ({ ...e, message: plain(e.message) })) } : r;

  const field = (name: keyof Draft | "days", label: string, control: (props: { id: string; "aria-invalid"?: true; "aria-describedby"?: string }) => React.ReactNode, hint?: string) => {
    const id = `${uid}-${name}`;
    const err = fieldError(name);
    const described = [hint ? `${id}-hint` : null, err ? `${id}-err` : null].filter(Boolean).join(" ") || undefined;
    return (
      <div className="min-w-0">
        <label htmlFor={id} className={labelClass}>
          {label}
        </label>
        {control({ id, ...(err ? { "aria-invalid": true as const } : {}), "aria-describedby": described })}
        {hint && (
          <p id={`${id}-hint`} className="mt-0.5 text-[11px] text-slate-500 dark:text-slate-400">
            {hint}
          </p>
        )}
        {err && (
          <p id={`${id}-err`} className="mt-0.5 text-xs text-red-700 dark:text-red-300">
            {plain(err.message)}
          </p>
        )}
      </div>
    );
  };
  const invalid = "aria-[invalid=true]:border-red-500 aria-[invalid=true]:ring-1 aria-[invalid=true]:ring-red-500/40";

  return (
    <form
      aria-label={rule ? `Edit rule ${rule.name}` : "New rule"}
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        startSave(async () => {
          const r = await actions.save(rule?.id ?? null, inputOf(draft));
          setResult(r);
          if (r.ok) onDone();
        });
      }}
    >
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        {field("name", "Name (the alertname)", (p) => <input {...p} className={`${inputClass} ${invalid}`} value={draft.name} onChange={(e) => set({ name: e.target.value })} placeholder="HighErrorRate" />)}
        {field("model", "Model", (p) => (
          <select {...p} className={`${inputClass} ${invalid}`} value={draft.model} onChange={(e) => set({ model: e.target.value })}>
            <option value="">All models</option>
            {options.models.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        ))}
        {field("metric", "Metric", (p) => (
          <select {...p} className={`${inputClass} ${invalid}`} value={draft.metric} onChange={(e) => set({ metric: e.target.value })}>
            {options.metrics.map((m) => (
              <option key={m} value={m}>
                {m} ({METRIC_LABELS[m] ?? m})
              </option>
            ))}
          </select>
        ))}
        {field("comparison", "Fires when the value is", (p) => (
          <select {...p} className={`${inputClass} ${invalid}`} value={draft.comparison} onChange={(e) => set({ comparison: e.target.value })}>
            {options.comparisons.map((c) => (
              <option key={c} value={c}>
                {c} ({COMPARISON_LABELS[c] ?? c})
              </option>
            ))}
          </select>
        ))}
        {field(
          "threshold",
          "Threshold",
          (p) => <input {...p} inputMode="decimal" className={`${inputClass} ${invalid} tabular-nums`} value={draft.threshold} onChange={(e) => set({ threshold: e.target.value })} />,
          thresholdHint(draft.metric, draft.comparison),
        )}
        {field("window", "Window", (p) => <input {...p} className={`${inputClass} ${invalid}`} value={draft.window} onChange={(e) => set({ window: e.target.value })} placeholder="5m" />, "1m to 30d: 30s, 5m, 1h, 1d")}
        {field("for", "For", (p) => <input {...p} className={`${inputClass} ${invalid}`} value={draft.for} onChange={(e) => set({ for: e.target.value })} placeholder="0s" />, "how long it must hold before firing")}
        {field(
          "minSamples",
          "Minimum samples",
          (p) => <input {...p} inputMode="numeric" className={`${inputClass} ${invalid} tabular-nums`} value={draft.minSamples} onChange={(e) => set({ minSamples: e.target.value })} />,
          "fewer in the window: no value",
        )}
        {field("severity", "Severity", (p) => (
          <select {...p} className={`${inputClass} ${invalid}`} value={draft.severity} onChange={(e) => set({ severity: e.target.value })}>
            {options.severities.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        ))}
        <div className="flex items-end pb-1.5">
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" className="h-4 w-4 accent-sky-700" checked={draft.enabled} onChange={(e) => set({ enabled: e.target.checked })} />
            Enabled
          </label>
        </div>
      </div>

      <fieldset className="space-y-2">
        <legend className={labelClass}>Labels (added to the alert; alertname, model_name and severity are set by the rule)</legend>
        {draft.labels.map((l, i) => (
          <div key={i} className="grid grid-cols-[1fr_1fr_auto] gap-2">
            <input className={inputClass} aria-label={`Label name ${i + 1}`} value={l.key} placeholder="team" onChange={(e) => set({ labels: draft.labels.map((x, j) => (j === i ? { ...x, key: e.target.value } : x)) })} />
            <input className={inputClass} aria-label={`Label value ${i + 1}`} value={l.value} placeholder="ml-platform" onChange={(e) => set({ labels: draft.labels.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)) })} />
            <button type="button" className={secondaryButton} aria-label={`Remove label ${i + 1}`} title="Remove label" onClick={() => set({ labels: draft.labels.filter((_, j) => j !== i) })}>
              <span aria-hidden>×</span>
            </button>
          </div>
        ))}
        {fieldError("labels") && <p className="text-xs text-red-700 dark:text-red-300">{plain(fieldError("labels")!.message)}</p>}
        <button type="button" className={secondaryButton} onClick={() => set({ labels: [...draft.labels, { key: "", value: "" }] })}>
          Add label
        </button>
      </fieldset>

      <ActionMessage result={other(result)} />
      <div className="flex flex-wrap gap-2">
        <button type="submit" className={primaryButton} disabled={saving}>
          {saving ? "Saving…" : rule ? "Save rule" : "Create rule"}
        </button>
        <button type="button" className={secondaryButton} onClick={onDone}>
          Cancel
        </button>
      </div>

      <section aria-labelledby={`${uid}-bt`} className="space-y-3 rounded-lg border border-slate-200 bg-slate-50 p-3 dark:border-slate-700 dark:bg-slate-950">
        <div className="flex flex-wrap items-end justify-between gap-2">
          <div>
            <h3 id={`${uid}-bt`} className="text-sm font-semibold">
              Backtest
            </h3>
            <p className="text-xs text-slate-600 dark:text-slate-400">Replays this draft over the stored history, as the evaluator would have run it. Nothing is saved.</p>
          </div>
          <div className="flex items-end gap-2">
            <label className="text-sm">
              <span className={labelClass}>Over the last</span>
              <select className={`${inputClass} w-auto`} value={days} onChange={(e) => setDays(Number(e.target.value))}>
                {PREVIEW_DAYS.map((d) => (
                  <option key={d} value={d}>
                    {d} day{d === 1 ? "" : "s"}
                  </option>
                ))}
              </select>
            </label>
            <button
              type="button"
              className={secondaryButton}
              disabled={previewing}
              onClick={() =>
                startPreview(async () => {
                  const answer = await actions.preview({ ...inputOf(draft), days });
                  setPreview({ answer, days });
                })
              }
            >
              {previewing ? "Replaying…" : "Preview"}
            </button>
          </div>
        </div>
        {preview && !preview.answer.ok && <ActionMessage result={other(preview.answer)} />}
        {preview?.answer.ok && preview.answer.preview && <PreviewTimeline preview={preview.answer.preview} days={preview.days} />}
      </section>
    </form>
  );
}
