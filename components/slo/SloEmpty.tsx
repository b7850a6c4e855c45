/** What the SLO page shows before a model has objectives: the request that sets some. */
export function SloEmpty({ model, base = "http://localhost:3000" }: { model: string; base?: string }) {
  const curl = `curl -X PUT ${base}/api/v1/models/${model}/slos \\
  -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \\
  -d '{"slos": [{"kind": "availability", "target": 0.999, "windowDays": 30},
                {"kind": "latency", "target": 0.99, "thresholdMs": 250, "windowDays": 28}]}'`;
  return (
    <section data-testid="slo-empty" aria-labelledby="slo-empty-title" className="rounded-xl border border-dashed border-slate-300 bg-white p-6 dark:border-slate-700 dark:bg-slate-900">
      <h2 id="slo-empty-title" className="text-lg font-semibold text-slate-900 dark:text-slate-100">
        No objectives yet
      </h2>
      <p className="mt-2 max-w-2xl text-sm text-slate-600 dark:text-slate-400">
        An SLO sets the share of requests that must succeed, answer in time, or (with labels) be right over 7–30 days.
        This page then shows the error budget left and the burn-rate alerts that page or open a ticket. Set them with
        an admin key:
      </p>
      <pre tabIndex={0} className="mt-4 overflow-x-auto rounded-lg bg-slate-900 p-4 text-xs leading-relaxed text-slate-100">
        <code>{curl}</code>
      </pre>
    </section>
  );
}
