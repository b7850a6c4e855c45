import { Time } from "@/components/ui/Time";

/** Small shared pieces of the alerts page: a card, a pill, buttons and field styles (light and dark). */
export function Card({ title, actions, children, id }: { title: string; actions?: React.ReactNode; children: React.ReactNode; id?: string }) {
  return (
    <section aria-labelledby={id} className="rounded-xl border border-slate-200 bg-white text-slate-900 shadow-sm dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100">
      <div className="flex flex-wrap items-center justify-between gap-2 border-b border-slate-200 px-4 py-3 dark:border-slate-700">
        <h2 id={id} className="text-base font-semibold">
          {title}
        </h2>
        {actions}
      </div>
      <div className="p-4">{children}</div>
    </section>
  );
}

const PILL: Record<string, string> = {
  firing: "bg-red-50 text-red-800 ring-red-600/20 dark:bg-red-950 dark:text-red-200 dark:ring-red-400/30",
  critical: "bg-red-50 text-red-800 ring-red-600/20 dark:bg-red-950 dark:text-red-200 dark:ring-red-400/30",
  failed: "bg-red-50 text-red-800 ring-red-600/20 dark:bg-red-950 dark:text-red-200 dark:ring-red-400/30",
  pending: "bg-amber-50 text-amber-800 ring-amber-600/20 dark:bg-amber-950 dark:text-amber-200 dark:ring-amber-400/30",
  warning: "bg-amber-50 text-amber-800 ring-amber-600/20 dark:bg-amber-950 dark:text-amber-200 dark:ring-amber-400/30",
  silenced: "bg-violet-50 text-violet-800 ring-violet-600/20 dark:bg-violet-950 dark:text-violet-200 dark:ring-violet-400/30",
  active: "bg-violet-50 text-violet-800 ring-violet-600/20 dark:bg-violet-950 dark:text-violet-200 dark:ring-violet-400/30",
  resolved: "bg-emerald-50 text-emerald-800 ring-emerald-600/20 dark:bg-emerald-950 dark:text-emerald-200 dark:ring-emerald-400/30",
  delivered: "bg-emerald-50 text-emerald-800 ring-emerald-600/20 dark:bg-emerald-950 dark:text-emerald-200 dark:ring-emerald-400/30",
};
const PILL_DEFAULT = "bg-slate-100 text-slate-700 ring-slate-500/20 dark:bg-slate-800 dark:text-slate-200 dark:ring-slate-400/30";

/** A state as a coloured pill with its name in text (never colour alone). */
export function Pill({ value, label }: { value: string; label?: string }) {
  return (
    <span className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${PILL[value] ?? PILL_DEFAULT}`}>
      {label ?? value}
    </span>
  );
}

export const inputClass =
  "block w-full rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm text-slate-900 shadow-sm focus:border-sky-600 focus:outline-none focus:ring-2 focus:ring-sky-600/30 dark:border-slate-600 dark:bg-slate-950 dark:text-slate-100";
export const labelClass = "block text-xs font-medium text-slate-700 dark:text-slate-300";
export const primaryButton =
  "inline-flex items-center justify-center rounded-md bg-sky-700 px-3 py-1.5 text-sm font-medium text-white shadow-sm hover:bg-sky-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-600 focus-visible:ring-offset-2 disabled:opacity-60 dark:focus-visible:ring-offset-slate-900";
export const secondaryButton =
  "inline-flex items-center justify-center rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 shadow-sm hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-600 disabled:opacity-60 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100 dark:hover:bg-slate-700";
export const dangerButton =
  "inline-flex items-center justify-center rounded-md border border-red-300 bg-white px-3 py-1.5 text-sm font-medium text-red-700 shadow-sm hover:bg-red-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-red-600 disabled:opacity-60 dark:border-red-800 dark:bg-slate-800 dark:text-red-300 dark:hover:bg-red-950";

/** What a server action answers: fine, or a message with the invalid fields. */
export type ActionResult = { ok: true; message?: string } | { ok: false; message: string; errors?: { path: string; message: string }[] };

export function ActionMessage({ result }: { result: ActionResult | null }) {
  if (!result) return null;
  if (result.ok) {
    return result.message ? (
      <p role="status" className="text-sm text-emerald-700 dark:text-emerald-300">
        {result.message}
      </p>
    ) : null;
  }
  return (
    <div role="alert" className="rounded-md border border-red-200 bg-red-50 p-2 text-sm text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200">
      <p>{result.message}</p>
      {result.errors && result.errors.length > 0 && (
        <ul className="mt-1 list-disc pl-5">
          {result.errors.map((e, i) => (
            <li key={i}>
              {e.path ? <code className="font-mono">{e.path}</code> : null} {e.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** A moment as the other pages show it: the viewer's time zone, UTC on hover (ui/Time); "—" when there is none. */
export function At({ iso }: { iso: string | null }) {
  return iso ? <Time iso={iso} /> : <>—</>;
}

/** "2026-12-05 08:00 UTC": for text that cannot hold an element (a tooltip). */
export function formatTime(iso: string | null): string {
  if (!iso) return "—";
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}
