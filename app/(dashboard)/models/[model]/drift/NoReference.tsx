/** The empty state of a model without a reference: drift needs one, and this is how to upload it. */
export function NoReference({ model, base = "http://localhost:3000" }: { model: string; base?: string }) {
  const curl = `TOKEN=$(cat .data/admin-token)   # or your DRIFTWATCH_ADMIN_TOKEN
curl -X PUT ${base}/api/v1/models/${model}/reference \\
  -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/x-ndjson" \\
  --data-binary @training-rows.ndjson
# one row per line: {"features": {"amount": 120.5, "country": "DE"}, "prediction": "legit"}`;
  return (
    <section className="rounded-xl border border-dashed border-slate-300 bg-white p-6 dark:border-slate-700 dark:bg-slate-900" aria-labelledby="noref-title" data-testid="no-reference">
      <h2 id="noref-title" className="text-lg font-semibold text-slate-900 dark:text-slate-100">
        No reference yet
      </h2>
      <p className="mt-2 max-w-2xl text-sm text-slate-600 dark:text-slate-400">
        Drift compares each window with a reference — usually the training or validation data. Upload one and this page fills in
        for every window already stored:
      </p>
      <pre tabIndex={0} className="mt-4 overflow-x-auto rounded-lg bg-slate-900 p-4 text-xs leading-relaxed text-slate-100">
        <code>{curl}</code>
      </pre>
      <p className="mt-3 text-sm text-slate-600 dark:text-slate-400">
        Or baseline on production data you already sent: <code className="rounded bg-slate-100 px-1 dark:bg-slate-800">{`{"fromWindow": {"from": "…", "to": "…"}}`}</code>.
      </p>
    </section>
  );
}
