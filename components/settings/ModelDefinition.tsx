"use client";
import { useMemo, useState, useTransition } from "react";
import { ActionMessage, inputClass, primaryButton, secondaryButton, type ActionResult } from "@/components/alerts/ui";
import { FEATURE_TYPES, taskLabel } from "@/lib/domain/model";
import { DRIFT_METHODS, modelDefinition } from "@/lib/models/schemas";

export type DefinedFeature = {
  name: string;
  type: string;
  min: number | null;
  max: number | null;
  allowed: unknown[] | null;
  importance: number | null;
  declared: boolean;
};
type MethodSetting = { method: string; threshold?: number };
export type DriftSettings = { numerical?: MethodSetting; categorical?: MethodSetting; features?: Record<string, MethodSetting> };
export type DefinitionModel = { id: string; name: string; description: string; task: string; features: DefinedFeature[]; drift: DriftSettings };

type Row = {
  key: number;
  isNew: boolean;
  declared: boolean;
  name: string;
  type: string;
  min: string;
  max: string;
  allowed: string;
  /** the stored values, sent unchanged while the text is not edited (they may be numbers or booleans) */
  allowedOriginal: unknown[] | null;
  importance: string;
  method: string;
  threshold: string;
};
type Errors = Record<string, string>;

const str = (v: number | null | undefined) => (v === null || v === undefined ? "" : String(v));
const joinAllowed = (a: unknown[] | null) => (a ? a.map(String).join(", ") : "");
const METHOD_LABEL: Record<string, string> = { default: "default verdict" };

/** The body of PUT /api/v1/models/{model} that the form stands for, and where each declared row went in it. */
function toDefinition(name: string, description: string, rows: Row[], byType: Record<"numerical" | "categorical", { method: string; threshold: string }>) {
  const num = (s: string) => Number(s.trim());
  const declared = rows.filter((r) => r.declared);
  const setting = (method: string, threshold: string): MethodSetting => ({ method, ...(threshold.trim() !== "" ? { threshold: num(threshold) } : {}) });
  const drift: DriftSettings = {};
  for (const t of ["numerical", "categorical"] as const) if (byType[t].method) drift[t] = setting(byType[t].method, byType[t].threshold);
  const perFeature = rows.filter((r) => r.method && r.name !== "");
  if (perFeature.length > 0) drift.features = Object.fromEntries(perFeature.map((r) => [r.name, setting(r.method, r.threshold)]));
  const body = {
    name,
    description,
    features: declared.map((r) => {
      const allowed = r.allowed.trim() === "" ? undefined : r.allowed === joinAllowed(r.allowedOriginal) && r.allowedOriginal ? r.allowedOriginal : r.allowed.split(",").map((v) => v.trim());
      return {
        name: r.name,
        type: r.type,
        ...(r.min.trim() !== "" ? { min: num(r.min) } : {}),
        ...(r.max.trim() !== "" ? { max: num(r.max) } : {}),
        ...(allowed ? { allowed } : {}),
        ...(r.importance.trim() !== "" ? { importance: num(r.importance) } : {}),
      };
    }),
    drift,
  };
  return { body, declared };
}

/** Where each validation issue belongs: a row's field ("<key>.max"), a per-type setting, or the form. */
function errorsOf(issues: { path: PropertyKey[]; message: string }[], declared: Row[], rows: Row[]): Errors {
  const out: Errors = {};
  for (const { path, message } of issues) {
    const [a, b, c, d] = path;
    let at = "form";
    if (a === "features" && typeof b === "number" && declared[b]) at = `${declared[b].key}.${typeof c === "string" ? c : "name"}`;
    else if (a === "features") at = "features";
    else if (a === "drift" && b === "features" && typeof c === "string") {
      const row = rows.find((r) => r.name === c);
      at = row ? `${row.key}.${d === "threshold" ? "threshold" : "method"}` : "form";
    } else if (a === "drift" && (b === "numerical" || b === "categorical")) at = `${b}.${c === "threshold" ? "threshold" : "method"}`;
    else if (a === "name" || a === "description") at = a;
    out[at] ??= message;
  }
  return out;
}

function FieldError({ id, message }: { id: string; message?: string }) {
  if (!message) return null;
  return (
    <p id={id} className="mt-0.5 text-xs text-red-700 dark:text-red-300">
      {message}
    </p>
  );
}

const cell = "py-1.5 pr-2 align-top";
const small = `${inputClass} !py-1 !text-[13px]`;
const invalid = "!border-red-500 dark:!border-red-400";

/**
 * A model's definition: name, description, drift defaults per type, and per feature its type, range, allowed values,
 * importance, drift method and threshold. Validated with the API's own schema before it is sent (and again on the
 * server); errors show beside their field. Read-only without `save`.
 */
export function ModelDefinition({
  model,
  thresholds,
  save,
}: {
  model: DefinitionModel;
  /** each method's default threshold, shown as the placeholder */
  thresholds: Record<string, number>;
  save?: (model: string, definition: unknown) => Promise<ActionResult>;
}) {
  const initial = useMemo(
    () =>
      model.features.map((f, i): Row => {
        const d = model.drift.features?.[f.name];
        return {
          key: i,
          isNew: false,
          declared: f.declared,
          name: f.name,
          type: f.type,
          min: str(f.min),
          max: str(f.max),
          allowed: joinAllowed(f.allowed),
          allowedOriginal: f.allowed,
          importance: str(f.importance),
          method: d?.method ?? "",
          threshold: str(d?.threshold),
        };
      }),
    [model],
  );
  const [rows, setRows] = useState<Row[]>(initial);
  const [name, setName] = useState(model.name);
  const [description, setDescription] = useState(model.description);
  const [byType, setByType] = useState(() => ({
    numerical: { method: model.drift.numerical?.method ?? "", threshold: str(model.drift.numerical?.threshold) },
    categorical: { method: model.drift.categorical?.method ?? "", threshold: str(model.drift.categorical?.threshold) },
  }));
  const [errors, setErrors] = useState<Errors>({});
  const [result, setResult] = useState<ActionResult | null>(null);
  const [pending, start] = useTransition();
  const canEdit = save !== undefined;
  const update = (key: number, change: Partial<Row>) => setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...change } : r)));

  const submit = () => {
    if (!save) return;
    const { body, declared } = toDefinition(name, description, rows, byType);
    const parsed = modelDefinition.safeParse(body);
    if (!parsed.success) {
      const found = errorsOf(parsed.error.issues, declared, rows);
      setErrors(found);
      setResult({ ok: false, message: found.form ?? "Some fields are not valid: see the marked fields." });
      return;
    }
    setErrors({});
    start(async () => setResult(await save(model.id, body)));
  };

  const methodOptions = (inherit: string) => (
    <>
      <option value="">{inherit}</option>
      {DRIFT_METHODS.map((m) => (
        <option key={m} value={m}>
          {METHOD_LABEL[m] ?? m}
        </option>
      ))}
    </>
  );
  const thresholdPlaceholder = (method: string) => (method && method !== "default" && thresholds[method] !== undefined ? String(thresholds[method]) : "");
  const input = (id: string, props: React.InputHTMLAttributes<HTMLInputElement> & { label: string }) => {
    const { label, className, ...rest } = props;
    return (
      <>
        <input
          {...rest}
          aria-label={label}
          aria-invalid={errors[id] ? true : undefined}
          aria-describedby={errors[id] ? `err-${id}` : undefined}
          className={`${small} ${errors[id] ? invalid : ""} ${className ?? ""}`}
        />
        <FieldError id={`err-${id}`} message={errors[id]} />
      </>
    );
  };

  return (
    <form
      aria-label={`Definition of ${model.id}`}
      className="space-y-5"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <div className="grid gap-3 sm:grid-cols-[minmax(0,1fr)_minmax(0,2fr)_auto]">
        <label className="block text-xs font-medium text-slate-700 dark:text-slate-300">
          Name
          {canEdit ? (
            <span className="mt-1 block">{input("name", { label: "Name", value: name, onChange: (e) => setName(e.target.value) })}</span>
          ) : (
            <span className="mt-1 block text-sm font-normal text-slate-900 dark:text-slate-100">{model.name}</span>
          )}
        </label>
        <label className="block text-xs font-medium text-slate-700 dark:text-slate-300">
          Description
          {canEdit ? (
            <span className="mt-1 block">{input("description", { label: "Description", value: description, onChange: (e) => setDescription(e.target.value) })}</span>
          ) : (
            <span className="mt-1 block text-sm font-normal text-slate-900 dark:text-slate-100">{model.description || "—"}</span>
          )}
        </label>
        <div className="text-xs font-medium text-slate-700 dark:text-slate-300">
          Task
          <span className="mt-1 block py-1 text-sm font-normal text-slate-900 dark:text-slate-100">{taskLabel(model.task)}</span>
        </div>
      </div>

      <fieldset>
        <legend className="text-xs font-medium text-slate-700 dark:text-slate-300">Drift method by feature type</legend>
        <p className="mt-0.5 text-xs text-slate-600 dark:text-slate-400">
          Used for every feature of the type without a method of its own. Unset: the default verdict (PSI and χ² for numerical, Jensen–Shannon and χ² for
          categorical).
        </p>
        <div className="mt-2 grid gap-3 sm:grid-cols-2">
          {(["numerical", "categorical"] as const).map((t) => (
            <div key={t} className="flex flex-wrap items-start gap-x-2 gap-y-1">
              <span className="w-full shrink-0 text-sm capitalize text-slate-700 sm:w-24 sm:pt-1 dark:text-slate-300">{t}</span>
              {canEdit ? (
                <>
                  <div className="min-w-0 flex-1">
                    <select
                      aria-label={`Drift method for ${t} features`}
                      value={byType[t].method}
                      onChange={(e) => setByType((b) => ({ ...b, [t]: { method: e.target.value, threshold: e.target.value === "default" ? "" : b[t].threshold } }))}
                      className={`${small} ${errors[`${t}.method`] ? invalid : ""}`}
                    >
                      {methodOptions("default verdict")}
                    </select>
                    <FieldError id={`err-${t}.method`} message={errors[`${t}.method`]} />
                  </div>
                  <div className="w-28 shrink-0">
                    {input(`${t}.threshold`, {
                      label: `Threshold for ${t} features`,
                      inputMode: "decimal",
                      value: byType[t].threshold,
                      disabled: !byType[t].method || byType[t].method === "default",
                      placeholder: thresholdPlaceholder(byType[t].method) || "threshold",
                      onChange: (e) => setByType((b) => ({ ...b, [t]: { ...b[t], threshold: e.target.value } })),
                    })}
                  </div>
                </>
              ) : (
                <span className="pt-1 text-sm">
                  {byType[t].method ? (METHOD_LABEL[byType[t].method] ?? byType[t].method) : "default verdict"}
                  {byType[t].threshold && <span className="text-slate-600 dark:text-slate-400"> · threshold {byType[t].threshold}</span>}
                </span>
              )}
            </div>
          ))}
        </div>
      </fieldset>

      <div>
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <h3 className="text-xs font-medium text-slate-700 dark:text-slate-300">Features</h3>
          <p className="text-xs text-slate-600 dark:text-slate-400">
            {canEdit ? "Unticked features are kept as seen in events, outside the definition." : "Features not declared were seen in events only."}
          </p>
        </div>
        <FieldError id="err-features" message={errors.features} />
        <div className="mt-1 overflow-x-auto" tabIndex={0} role="region" aria-label={`Features of ${model.id}`}>
          <table className="w-full min-w-[56rem] text-left text-sm">
            <thead className="text-xs text-slate-600 dark:text-slate-400">
              <tr className="border-b border-slate-200 dark:border-slate-700">
                <th className="w-16 py-2 pr-2 font-medium">Declared</th>
                <th className="py-2 pr-2 font-medium">Feature</th>
                <th className="py-2 pr-2 font-medium">Type</th>
                <th className="py-2 pr-2 font-medium">Min</th>
                <th className="py-2 pr-2 font-medium">Max</th>
                <th className="py-2 pr-2 font-medium">Allowed values</th>
                <th className="py-2 pr-2 font-medium">Importance</th>
                <th className="py-2 pr-2 font-medium">Drift method</th>
                <th className="py-2 font-medium">Threshold</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {rows.length === 0 && (
                <tr>
                  <td colSpan={9} className="py-3 text-slate-600 dark:text-slate-400">
                    No features yet: they appear with the first events, or add them here.
                  </td>
                </tr>
              )}
              {rows.map((r) =>
                canEdit ? (
                  <tr key={r.key} data-testid="feature-row" className={r.declared ? "" : "text-slate-500 dark:text-slate-400"}>
                    <td className={`${cell} pt-2.5`}>
                      <input
                        type="checkbox"
                        aria-label={`Declare ${r.name || "new feature"}`}
                        checked={r.declared}
                        onChange={(e) => update(r.key, { declared: e.target.checked })}
                        className="size-4 accent-sky-700"
                      />
                    </td>
                    <td className={`${cell} w-32`}>
                      {r.isNew ? (
                        input(`${r.key}.name`, { label: "New feature name", value: r.name, placeholder: "name", onChange: (e) => update(r.key, { name: e.target.value }) })
                      ) : (
                        <span className="block break-all pt-1 font-mono text-[13px]">{r.name}</span>
                      )}
                    </td>
                    <td className={`${cell} w-32`}>
                      <select aria-label={`Type of ${r.name}`} value={r.type} onChange={(e) => update(r.key, { type: e.target.value })} className={small}>
                        {FEATURE_TYPES.map((t) => (
                          <option key={t}>{t}</option>
                        ))}
                      </select>
                    </td>
                    <td className={`${cell} w-[4.5rem]`}>
                      {input(`${r.key}.min`, { label: `Min of ${r.name}`, inputMode: "decimal", value: r.min, disabled: r.type !== "numerical", onChange: (e) => update(r.key, { min: e.target.value }) })}
                    </td>
                    <td className={`${cell} w-[4.5rem]`}>
                      {input(`${r.key}.max`, { label: `Max of ${r.name}`, inputMode: "decimal", value: r.max, disabled: r.type !== "numerical", onChange: (e) => update(r.key, { max: e.target.value }) })}
                    </td>
                    <td className={cell}>
                      {input(`${r.key}.allowed`, {
                        label: `Allowed values of ${r.name}`,
                        value: r.allowed,
                        placeholder: r.type === "categorical" ? "any (comma-separated)" : "",
                        disabled: r.type !== "categorical",
                        onChange: (e) => update(r.key, { allowed: e.target.value }),
                      })}
                    </td>
                    <td className={`${cell} w-[4.5rem]`}>
                      {input(`${r.key}.importance`, { label: `Importance of ${r.name}`, inputMode: "decimal", value: r.importance, onChange: (e) => update(r.key, { importance: e.target.value }) })}
                    </td>
                    <td className={`${cell} w-36`}>
                      <select
                        aria-label={`Drift method of ${r.name}`}
                        value={r.method}
                        onChange={(e) => update(r.key, { method: e.target.value, threshold: e.target.value && e.target.value !== "default" ? r.threshold : "" })}
                        className={`${small} ${errors[`${r.key}.method`] ? invalid : ""}`}
                      >
                        {methodOptions("type's method")}
                      </select>
                      <FieldError id={`err-${r.key}.method`} message={errors[`${r.key}.method`]} />
                    </td>
                    <td className={`${cell} w-20 !pr-0`}>
                      {input(`${r.key}.threshold`, {
                        label: `Threshold of ${r.name}`,
                        inputMode: "decimal",
                        value: r.threshold,
                        disabled: !r.method || r.method === "default",
                        placeholder: thresholdPlaceholder(r.method),
                        onChange: (e) => update(r.key, { threshold: e.target.value }),
                      })}
                    </td>
                  </tr>
                ) : (
                  <tr key={r.key} data-testid="feature-row">
                    <td className={cell}>{r.declared ? "yes" : <span className="text-slate-500 dark:text-slate-400">seen only</span>}</td>
                    <td className={`${cell} break-all font-mono text-[13px]`}>{r.name}</td>
                    <td className={cell}>{r.type}</td>
                    <td className={`${cell} tabular-nums`}>{r.min || "—"}</td>
                    <td className={`${cell} tabular-nums`}>{r.max || "—"}</td>
                    <td className={`${cell} break-all`}>{r.allowed || "—"}</td>
                    <td className={`${cell} tabular-nums`}>{r.importance || "—"}</td>
                    <td className={cell}>{r.method ? (METHOD_LABEL[r.method] ?? r.method) : "type's method"}</td>
                    <td className={`${cell} tabular-nums`} data-testid="feature-threshold">
                      {r.threshold || "—"}
                    </td>
                  </tr>
                ),
              )}
            </tbody>
          </table>
        </div>
      </div>

      {canEdit && (
        <div className="flex flex-wrap items-center gap-3">
          <button type="submit" disabled={pending} className={primaryButton}>
            {pending ? "Saving…" : "Save definition"}
          </button>
          <button
            type="button"
            className={secondaryButton}
            onClick={() =>
              setRows((rs) => [
                ...rs,
                { key: Math.max(-1, ...rs.map((r) => r.key)) + 1, isNew: true, declared: true, name: "", type: "numerical", min: "", max: "", allowed: "", allowedOriginal: null, importance: "", method: "", threshold: "" },
              ])
            }
          >
            Add feature
          </button>
          <div className="min-w-0 flex-1">
            <ActionMessage result={result} />
          </div>
        </div>
      )}
    </form>
  );
}
