"use client";
import { useState, useTransition } from "react";
import { ActionMessage, dangerButton, inputClass, labelClass, primaryButton, type ActionResult } from "@/components/alerts/ui";
import { Time } from "@/components/ui/Time";

type Key = {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: string;
  createdBy: string | null;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  state: string;
};
type Result = ActionResult & { token?: string };
type Actions = {
  create: (input: { name: string; scopes: string[]; expiresAt?: string }) => Promise<Result>;
  revoke: (id: string, prefix: string) => Promise<Result>;
};
const SCOPES = [
  { id: "read", hint: "dashboards, Prometheus, Grafana" },
  { id: "ingest", hint: "send predictions and labels" },
  { id: "admin", hint: "everything, keys and users included" },
];

/** API keys: create (the token is shown once), list by prefix with last use and expiry, revoke. */
export function ApiKeys({ keys, actions }: { keys: Key[]; actions: Actions }) {
  const [result, setResult] = useState<Result | null>(null);
  const [pending, start] = useTransition();
  return (
    <div className="space-y-6">
      <form
        aria-label="New API key"
        className="space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          const days = Number(f.get("days"));
          start(async () =>
            setResult(
              await actions.create({
                name: String(f.get("name")),
                scopes: f.getAll("scopes").map(String),
                ...(days > 0 ? { expiresAt: new Date(Date.now() + days * 86_400_000).toISOString() } : {}),
              }),
            ),
          );
        }}
      >
        <div className="grid gap-3 sm:grid-cols-2">
          <label className={labelClass}>
            Name
            <input name="name" required maxLength={100} placeholder="e.g. grafana" className={`mt-1 ${inputClass}`} />
          </label>
          <label className={labelClass}>
            Expires after (days; empty: never)
            <input name="days" type="number" min={1} max={3650} className={`mt-1 ${inputClass}`} />
          </label>
        </div>
        <fieldset>
          <legend className={labelClass}>Scopes</legend>
          <div className="mt-1 flex flex-wrap gap-4">
            {SCOPES.map((s) => (
              <label key={s.id} className="flex items-center gap-2 text-sm">
                <input type="checkbox" name="scopes" value={s.id} defaultChecked={s.id === "read"} />
                <span>
                  {s.id} <span className="text-xs text-slate-600 dark:text-slate-400">({s.hint})</span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        <button type="submit" disabled={pending} className={primaryButton}>
          Create key
        </button>
      </form>
      <ActionMessage result={result} />
      {result?.ok && result.token && (
        <div className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100">
          <p className="font-medium">The new key (shown only now):</p>
          <code data-testid="new-token" className="mt-1 block break-all font-mono text-xs">
            {result.token}
          </code>
        </div>
      )}
      <div className="overflow-x-auto" tabIndex={0} role="region" aria-label="API keys table">
        <table className="w-full text-left text-sm">
          <thead className="text-xs text-slate-600 dark:text-slate-400">
            <tr>
              <th className="py-2 pr-3 font-medium">Key</th>
              <th className="py-2 pr-3 font-medium">Scopes</th>
              <th className="py-2 pr-3 font-medium">Last used</th>
              <th className="py-2 pr-3 font-medium">Expires</th>
              <th className="py-2 font-medium">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-200 dark:divide-slate-700">
            {keys.map((k) => (
              <tr key={k.id} data-testid="api-key">
                <td className="py-2 pr-3">
                  <div className="font-medium">{k.name}</div>
                  <div className="font-mono text-xs text-slate-600 dark:text-slate-400">dw_{k.prefix}_…</div>
                  <div className="text-xs text-slate-600 dark:text-slate-400">
                    {k.state}
                    {k.createdBy ? ` · by ${k.createdBy}` : ""}
                  </div>
                </td>
                <td className="py-2 pr-3">{k.scopes.join(", ")}</td>
                <td className="py-2 pr-3 text-slate-600 dark:text-slate-400">{k.lastUsedAt ? <Time iso={k.lastUsedAt} /> : "never"}</td>
                <td className="py-2 pr-3 text-slate-600 dark:text-slate-400">{k.expiresAt ? <Time iso={k.expiresAt} format="date" /> : "never"}</td>
                <td className="py-2 text-right">
                  {k.state === "active" && (
                    <button type="button" disabled={pending} className={dangerButton} onClick={() => start(async () => setResult(await actions.revoke(k.id, k.prefix)))}>
                      Revoke {k.name}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
