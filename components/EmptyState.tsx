/** What a fresh install shows: how to send the first prediction. */
export function EmptyState({ base = "http://localhost:3000" }: { base?: string }) {
  const curl = `TOKEN=$(cat .data/admin-token)   # or your DRIFTWATCH_ADMIN_TOKEN
curl -X POST ${base}/api/v1/predictions \\
  -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \\
  -d '{"id": "txn-1", "model": "fraud-detector", "features": {"amount": 120.5, "country": "DE"},
       "prediction": "legit", "probabilities": {"fraud": 0.08, "legit": 0.92}, "latencyMs": 12.4}'`;
  return (
    <section className="rounded-xl border border-dashed border-slate-300 dark:border-slate-700 bg-white dark:bg-slate-900 p-8" aria-labelledby="empty-title">
      <h2 id="empty-title" className="text-lg font-semibold">
        No models yet
      </h2>
      <p className="mt-2 max-w-2xl text-sm text-slate-600 dark:text-slate-400">
        A model appears here as soon as its first prediction arrives. Send one from your prediction service, or try
        it from a shell:
      </p>
      <pre tabIndex={0} className="mt-4 overflow-x-auto rounded-lg bg-slate-900 p-4 text-xs leading-relaxed text-slate-100">
        <code>{curl}</code>
      </pre>
      <p className="mt-3 text-sm text-slate-600 dark:text-slate-400">
        Labels follow later with <code className="rounded bg-slate-100 dark:bg-slate-800 px-1">POST /api/v1/labels</code>; the README
        lists every endpoint.
      </p>
    </section>
  );
}
