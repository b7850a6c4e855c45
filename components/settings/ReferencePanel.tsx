"use client";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { ActionMessage, inputClass, labelClass, secondaryButton, type ActionResult } from "@/components/alerts/ui";
import { Time } from "@/components/ui/Time";
import { csvToReferenceRows } from "@/lib/models/references/csv";

export type ReferenceView = { rows: number; source: unknown; createdAt: string; version: string } | null;
type Source = { kind?: string; from?: string; to?: string; version?: string };

/** datetime-local value (the viewer's zone) for a moment. */
function localInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function SourceText({ source }: { source: Source }) {
  if (source.kind === "window" && source.from && source.to) {
    return (
      <>
        production window <Time iso={source.from} /> – <Time iso={source.to} />
        {source.version ? ` (version ${source.version})` : ""}
      </>
    );
  }
  return <>uploaded file</>;
}

/** What the API answered, in words (rows stored, rejected rows with their first reasons, or the error). */
async function describeUpload(res: Response): Promise<ActionResult> {
  const body = await res.json().catch(() => null);
  if (!res.ok) {
    const err = body?.error;
    const details = Array.isArray(err?.details) ? err.details : [];
    return {
      ok: false,
      message: err?.message ?? `The upload failed (HTTP ${res.status}).`,
      errors: details.slice(0, 5).map((d: { index?: number; line?: number; errors?: { path: string; message: string }[]; path?: string; message?: string }) =>
        d.errors ? { path: `row ${(d.line ?? (d.index ?? 0) + 1).toString()}`, message: d.errors.map((e) => `${e.path} ${e.message}`).join("; ") } : { path: d.path ?? "", message: d.message ?? "" },
      ),
    };
  }
  const rejected = body.rejectedCount ? `; ${body.rejectedCount.toLocaleString("en-US")} rows rejected` : "";
  const first = body.rejected?.[0];
  const why = first ? ` (first: row ${first.line ?? first.index + 1}, ${first.errors.map((e: { path: string; message: string }) => `${e.path} ${e.message}`).join("; ")})` : "";
  return { ok: true, message: `Reference replaced: ${body.rows.toLocaleString("en-US")} rows${rejected}${why}.` };
}

/**
 * A model's reference: rows, where it came from and when; replaced by a file (CSV, JSON or NDJSON, sent to the
 * reference API as it is, CSV as NDJSON rows) or by a production window (a server action). Read-only without `fromWindow`.
 */
export function ReferencePanel({
  model,
  reference,
  featureTypes,
  rawPrunedBefore,
  fromWindow,
}: {
  model: string;
  reference: ReferenceView;
  featureTypes: Record<string, string>;
  rawPrunedBefore: string | null;
  fromWindow?: (model: string, window: { from: string; to: string }) => Promise<ActionResult>;
}) {
  const router = useRouter();
  const [result, setResult] = useState<ActionResult | null>(null);
  const [pending, start] = useTransition();
  const [defaults] = useState(() => {
    const now = Date.now();
    return { from: localInput(now - 7 * 86_400_000), to: localInput(now) };
  });
  const run = (fn: () => Promise<ActionResult>) =>
    start(async () => {
      const r = await fn();
      setResult(r);
      if (r.ok) router.refresh();
    });

  const upload = (file: File) =>
    run(async () => {
      const name = file.name.toLowerCase();
      const url = `/api/v1/models/${encodeURIComponent(model)}/reference`;
      let body: BodyInit = file;
      let type = "application/json";
      if (name.endsWith(".ndjson") || name.endsWith(".jsonl")) type = "application/x-ndjson";
      else if (name.endsWith(".csv")) {
        try {
          const rows = csvToReferenceRows(await file.text(), featureTypes);
          body = rows.map((r) => JSON.stringify(r)).join("\n");
          type = "application/x-ndjson";
        } catch (err) {
          return { ok: false, message: `The CSV could not be read: ${(err as Error).message}` };
        }
      } else if (!name.endsWith(".json")) return { ok: false, message: "Choose a .csv, .json, .ndjson or .jsonl file." };
      return describeUpload(await fetch(url, { method: "PUT", headers: { "content-type": type }, body }));
    });

  const source = (reference?.source ?? {}) as Source;
  return (
    <div className="space-y-4">
      {reference ? (
        <dl className="grid grid-cols-2 gap-x-6 gap-y-2 text-sm sm:grid-cols-[auto_auto_1fr]" data-testid="reference-summary">
          <div>
            <dt className="text-xs text-slate-600 dark:text-slate-400">Rows</dt>
            <dd className="font-medium tabular-nums" data-testid="reference-rows">
              {reference.rows.toLocaleString("en-US")}
            </dd>
          </div>
          <div>
            <dt className="text-xs text-slate-600 dark:text-slate-400">Replaced</dt>
            <dd>
              <Time iso={reference.createdAt} />
            </dd>
          </div>
          <div className="col-span-2 sm:col-span-1">
            <dt className="text-xs text-slate-600 dark:text-slate-400">Source</dt>
            <dd data-testid="reference-source">
              <SourceText source={source} />
              {reference.version ? ` · for version ${reference.version}` : ""}
            </dd>
          </div>
        </dl>
      ) : (
        <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="reference-summary">
          No reference yet: drift is not measured until there is one.
        </p>
      )}

      {fromWindow && (
        <div className="grid gap-4 border-t border-slate-200 pt-4 lg:grid-cols-2 lg:divide-x lg:divide-slate-200 dark:border-slate-700 dark:lg:divide-slate-700">
          <form
            aria-label="Replace from a file"
            className="space-y-2 lg:pr-4"
            onSubmit={(e) => {
              e.preventDefault();
              const file = new FormData(e.currentTarget).get("file");
              if (file instanceof File && file.size > 0) upload(file);
              else setResult({ ok: false, message: "Choose a file first." });
            }}
          >
            <h3 className="text-sm font-medium">Replace from a file</h3>
            <p className="text-xs text-slate-600 dark:text-slate-400">
              CSV with a header (feature columns, optional <code>prediction</code> and <code>actual</code>), NDJSON rows, or JSON{" "}
              <code>{'{"rows": [...]}'}</code>, as the reference API takes them.
            </p>
            <div className="flex flex-wrap items-center gap-2">
              <input
                type="file"
                name="file"
                aria-label="Reference file"
                accept=".csv,.json,.ndjson,.jsonl,text/csv,application/json,application/x-ndjson"
                className="min-w-0 flex-1 text-sm text-slate-700 file:mr-3 file:rounded-md file:border file:border-slate-300 file:bg-white file:px-2.5 file:py-1 file:text-sm file:font-medium file:text-slate-800 hover:file:bg-slate-50 dark:text-slate-300 dark:file:border-slate-600 dark:file:bg-slate-800 dark:file:text-slate-100"
              />
              <button type="submit" disabled={pending} className={secondaryButton}>
                Upload
              </button>
            </div>
          </form>
          <form
            aria-label="Replace from a production window"
            className="space-y-2 lg:pl-4"
            onSubmit={(e) => {
              e.preventDefault();
              const f = new FormData(e.currentTarget);
              const at = (k: string) => {
                const v = String(f.get(k) ?? "");
                const d = new Date(v);
                return Number.isNaN(d.getTime()) ? v : d.toISOString();
              };
              run(() => fromWindow(model, { from: at("from"), to: at("to") }));
            }}
          >
            <h3 className="text-sm font-medium">Replace from a production window</h3>
            <p className="text-xs text-slate-600 dark:text-slate-400">
              The model&apos;s own predictions in the window (failed ones left out, labels kept), in your time zone.
              {rawPrunedBefore && (
                <>
                  {" "}
                  Raw events before <Time iso={rawPrunedBefore} /> were deleted by retention.
                </>
              )}
            </p>
            <div className="grid gap-2 sm:grid-cols-2">
              <label className={labelClass}>
                From
                <input type="datetime-local" name="from" required defaultValue={defaults.from} className={`mt-1 ${inputClass} !py-1`} />
              </label>
              <label className={labelClass}>
                To
                <input type="datetime-local" name="to" required defaultValue={defaults.to} className={`mt-1 ${inputClass} !py-1`} />
              </label>
            </div>
            <button type="submit" disabled={pending} className={secondaryButton}>
              Use window
            </button>
          </form>
        </div>
      )}
      {pending && (
        <p role="status" className="text-sm text-slate-600 dark:text-slate-400">
          Replacing the reference… (large references take a while: the rollups are re-binned on it)
        </p>
      )}
      <ActionMessage result={pending ? null : result} />
    </div>
  );
}
