"use client";
import { useState, useTransition } from "react";
import type { Matcher } from "@/lib/alerts/notify/types";
import { ActionMessage, inputClass, labelClass, primaryButton, secondaryButton, type ActionResult } from "./ui";

export type SilenceInput = { matchers: Matcher[]; endsAt: string; startsAt?: string; comment?: string; createdBy?: string };

const DURATIONS = [
  { label: "1 hour", hours: 1 },
  { label: "4 hours", hours: 4 },
  { label: "1 day", hours: 24 },
  { label: "1 week", hours: 168 },
];
const OPS: Matcher["op"][] = ["=", "!=", "=~", "!~"];

/** Creates a silence: label matchers (prefilled from an alert when silencing it), a duration and a comment. */
export function SilenceForm({
  initial,
  create,
  onDone,
}: {
  initial?: Matcher[];
  create: (input: SilenceInput) => Promise<ActionResult>;
  onDone?: () => void;
}) {
  const [matchers, setMatchers] = useState<Matcher[]>(initial?.length ? initial : [{ name: "model_name", op: "=", value: "" }]);
  const [hours, setHours] = useState(4);
  const [comment, setComment] = useState("");
  const [result, setResult] = useState<ActionResult | null>(null);
  const [pending, start] = useTransition();
  const set = (i: number, patch: Partial<Matcher>) => setMatchers((ms) => ms.map((m, j) => (j === i ? { ...m, ...patch } : m)));

  return (
    <form
      aria-label="New silence"
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        start(async () => {
          const r = await create({ matchers, endsAt: new Date(Date.now() + hours * 3600_000).toISOString(), comment });
          setResult(r);
          if (r.ok) onDone?.();
        });
      }}
    >
      <fieldset className="space-y-2">
        <legend className={labelClass}>Matchers (all must match)</legend>
        {matchers.map((m, i) => (
          <div key={i} className="grid grid-cols-[1fr_4.5rem_1fr_auto] items-end gap-2" data-testid="matcher-row">
            <label className="min-w-0">
              <span className="sr-only">Label {i + 1}</span>
              <input className={inputClass} value={m.name} onChange={(e) => set(i, { name: e.target.value })} placeholder="label" aria-label={`Label ${i + 1}`} />
            </label>
            <label>
              <span className="sr-only">Operator {i + 1}</span>
              <select className={inputClass} value={m.op} onChange={(e) => set(i, { op: e.target.value as Matcher["op"] })} aria-label={`Operator ${i + 1}`}>
                {OPS.map((op) => (
                  <option key={op}>{op}</option>
                ))}
              </select>
            </label>
            <label className="min-w-0">
              <span className="sr-only">Value {i + 1}</span>
              <input className={inputClass} value={m.value} onChange={(e) => set(i, { value: e.target.value })} placeholder="value" aria-label={`Value ${i + 1}`} />
            </label>
            <button type="button" className={secondaryButton} onClick={() => setMatchers((ms) => ms.filter((_, j) => j !== i))} disabled={matchers.length === 1} aria-label={`Remove matcher ${i + 1}`} title="Remove matcher">
              <span aria-hidden>×</span>
            </button>
          </div>
        ))}
        <button type="button" className={secondaryButton} onClick={() => setMatchers((ms) => [...ms, { name: "", op: "=", value: "" }])}>
          Add matcher
        </button>
      </fieldset>
      <div className="grid gap-3 sm:grid-cols-2">
        <label>
          <span className={labelClass}>Duration</span>
          <select className={inputClass} value={hours} onChange={(e) => setHours(Number(e.target.value))}>
            {DURATIONS.map((d) => (
              <option key={d.hours} value={d.hours}>
                {d.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span className={labelClass}>Comment</span>
          <input className={inputClass} value={comment} onChange={(e) => setComment(e.target.value)} placeholder="why (e.g. retraining)" />
        </label>
      </div>
      <ActionMessage result={result} />
      <button type="submit" className={primaryButton} disabled={pending}>
        {pending ? "Saving…" : "Create silence"}
      </button>
    </form>
  );
}
