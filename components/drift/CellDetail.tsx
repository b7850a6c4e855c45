import type { FeatureDrift, MethodResult } from "@/lib/drift/computeDrift";
import { formatP, formatStat } from "./format";
import { METHOD_INFO, statNumber } from "./model";

/** Most bins drawn; categoricals with more show the bins where either side is largest. */
const MAX_BINS = 30;

const pct = (x: number) => (x === 0 ? "0 %" : x < 0.001 ? "< 0.1 %" : `${(x * 100).toFixed(1)} %`);
const count = (n: number) => new Intl.NumberFormat("en-US").format(n);
/** Bin edges as stored carry float noise (0.8343999999999); 5 significant digits are enough to read a bin. */
const tidyLabel = (label: string) => label.replace(/-?\d+\.\d{5,}(e[-+]?\d+)?/g, (m) => String(Number(Number(m).toPrecision(5))));

const KIND: Record<string, "distance" | "p-value"> = {
  psi: "distance",
  js: "distance",
  hellinger: "distance",
  wasserstein: "distance",
  chi2: "p-value",
  ks: "p-value",
  ztest: "p-value",
};

function Verdict({ drifted }: { drifted: boolean | "insufficient_data" }) {
  if (drifted === "insufficient_data") return <span className="text-slate-500 dark:text-slate-400">insufficient data</span>;
  return drifted ? (
    <span className="font-semibold text-slate-900 dark:text-white">● drifted</span>
  ) : (
    <span className="text-slate-600 dark:text-slate-300">no drift</span>
  );
}

function methodRow(r: MethodResult) {
  const kind = r.pValue !== undefined ? "p-value" : (KIND[r.method] ?? "distance");
  return { kind, value: kind === "p-value" ? r.pValue! : statNumber(r.statistic) };
}

/**
 * One feature in one window: reference and window on the same bins (share of each side, counts beside),
 * the sample sizes, and every method's value labelled as a distance or a p-value with its threshold and verdict.
 */
export function CellDetail({ feature, referenceRows }: { feature: FeatureDrift; referenceRows: number }) {
  const bins = feature.bins;
  const refTotal = bins ? bins.reference.reduce((s, x) => s + x, 0) : 0;
  const curTotal = bins ? bins.current.reduce((s, x) => s + x, 0) : 0;
  let shown: number[] = [];
  if (bins) {
    shown = bins.labels.map((_, i) => i);
    if (shown.length > MAX_BINS) {
      const weight = (i: number) => Math.max(refTotal ? bins.reference[i] / refTotal : 0, curTotal ? bins.current[i] / curTotal : 0);
      shown = shown.sort((a, b) => weight(b) - weight(a)).slice(0, MAX_BINS).sort((a, b) => a - b);
    }
  }
  const maxShare = bins
    ? Math.max(1e-9, ...shown.map((i) => Math.max(refTotal ? bins.reference[i] / refTotal : 0, curTotal ? bins.current[i] / curTotal : 0)))
    : 1;

  return (
    <div className="space-y-6 text-sm" data-testid="cell-detail" data-feature={feature.feature}>
      <section aria-labelledby="verdict-h">
        <h3 id="verdict-h" className="sr-only">
          Verdict
        </h3>
        <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
          <div>
            <dt className="text-xs text-slate-500 dark:text-slate-400">Verdict</dt>
            <dd data-testid="detail-verdict">
              <Verdict drifted={feature.drifted} />
            </dd>
          </div>
          <div>
            <dt className="text-xs text-slate-500 dark:text-slate-400">Window values</dt>
            <dd className="tabular-nums" data-testid="detail-count">
              {count(feature.count)}
            </dd>
          </div>
          <div>
            <dt className="text-xs text-slate-500 dark:text-slate-400">Missing in window</dt>
            <dd className="tabular-nums">{count(feature.missing)}</dd>
          </div>
          <div>
            <dt className="text-xs text-slate-500 dark:text-slate-400">Reference values</dt>
            <dd className="tabular-nums" title={`${count(referenceRows)} reference rows`}>
              {count(refTotal)}
            </dd>
          </div>
        </dl>
        {feature.reason && <p className="mt-2 text-slate-600 dark:text-slate-400">{feature.reason}</p>}
        {feature.decidedBy !== "default" && (
          <p className="mt-2 text-slate-600 dark:text-slate-400">Decided by {feature.decidedBy}, as the model&apos;s drift settings say.</p>
        )}
      </section>

      {bins && (
        <section aria-labelledby="bins-h">
          <div className="mb-2 flex flex-wrap items-baseline justify-between gap-2">
            <h3 id="bins-h" className="font-semibold text-slate-900 dark:text-slate-100">
              Reference vs window, same bins
            </h3>
            <div className="flex gap-3 text-xs text-slate-600 dark:text-slate-400">
              <span className="flex items-center gap-1">
                <span className="inline-block h-2.5 w-2.5 rounded-sm bg-slate-400 dark:bg-slate-500" aria-hidden /> reference
              </span>
              <span className="flex items-center gap-1">
                <span className="inline-block h-2.5 w-2.5 rounded-sm bg-[#00224e] dark:bg-[#fee838]" aria-hidden /> window
              </span>
            </div>
          </div>
          {shown.length < bins.labels.length && (
            <p className="mb-2 text-xs text-slate-500 dark:text-slate-400">
              The {shown.length} largest of {bins.labels.length} bins.
            </p>
          )}
          <table className="w-full table-fixed text-xs" data-testid="bins-table">
            <thead className="sr-only">
              <tr>
                <th scope="col">Bin</th>
                <th scope="col">Reference and window share</th>
                <th scope="col">Counts</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((i) => {
                const r = refTotal ? bins.reference[i] / refTotal : 0;
                const c = curTotal ? bins.current[i] / curTotal : 0;
                return (
                  <tr key={i} className="align-middle">
                    <th scope="row" className="w-28 truncate py-1 pr-2 text-left font-normal text-slate-700 sm:w-36 dark:text-slate-300" title={bins.labels[i]}>
                      {tidyLabel(bins.labels[i])}
                    </th>
                    <td className="py-1">
                      <div className="h-2 rounded-r-sm bg-slate-400 dark:bg-slate-500" style={{ width: `${(r / maxShare) * 100}%` }} />
                      <div className="mt-0.5 h-2 rounded-r-sm bg-[#00224e] dark:bg-[#fee838]" style={{ width: `${(c / maxShare) * 100}%` }} />
                    </td>
                    <td className="w-28 py-1 pl-2 text-right tabular-nums text-slate-600 sm:w-36 dark:text-slate-400">
                      <div title={`${count(bins.reference[i])} reference values`}>{pct(r)} · {count(bins.reference[i])}</div>
                      <div className="text-slate-900 dark:text-slate-100" title={`${count(bins.current[i])} window values`}>
                        {pct(c)} · {count(bins.current[i])}
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </section>
      )}

      <section aria-labelledby="methods-h">
        <h3 id="methods-h" className="mb-2 font-semibold text-slate-900 dark:text-slate-100">
          Every method
        </h3>
        <div className="overflow-x-auto">
          <table className="w-full text-left text-xs" data-testid="methods-table">
            <thead className="text-slate-500 dark:text-slate-400">
              <tr>
                <th scope="col" className="py-1 pr-2 font-medium">Method</th>
                <th scope="col" className="py-1 pr-2 text-right font-medium">Value</th>
                <th scope="col" className="py-1 pr-2 text-right font-medium">Threshold</th>
                <th scope="col" className="py-1 font-medium">Verdict</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              <tr data-method="verdict">
                <th scope="row" className="py-1.5 pr-2 font-medium">
                  Default verdict
                  <div className="font-normal text-slate-600 dark:text-slate-400">
                    {feature.scoreMethod ? `${feature.scoreMethod} distance${feature.pValueMethod ? ` and ${feature.pValueMethod} p-value (BH)` : ""}` : "not tested"}
                  </div>
                </th>
                <td className="py-1.5 pr-2 text-right whitespace-nowrap tabular-nums">
                  {feature.scoreMethod ? formatStat(feature.score) : "—"}
                  {feature.pValue !== undefined && <div className="text-slate-600 dark:text-slate-400">p {formatP(feature.pValue)}</div>}
                </td>
                <td className="py-1.5 pr-2 text-right whitespace-nowrap tabular-nums">
                  {feature.scoreThreshold !== undefined ? `≥ ${formatStat(feature.scoreThreshold)}` : "—"}
                  {feature.pValue !== undefined && <div className="text-slate-600 dark:text-slate-400">&lt; 0.05</div>}
                </td>
                <td className="py-1.5">
                  <Verdict drifted={feature.drifted} />
                </td>
              </tr>
              {feature.results.map((r) => {
                const { kind, value } = methodRow(r);
                const label = METHOD_INFO[r.method]?.label ?? r.method;
                return (
                  <tr key={r.method} data-method={r.method}>
                    <th scope="row" className="py-1.5 pr-2 font-medium">
                      {label}
                      <div className="font-normal text-slate-600 dark:text-slate-400" data-testid={`kind-${r.method}`}>
                        {kind}
                        {r.detail && !r.skipped ? ` · ${r.detail}` : ""}
                      </div>
                    </th>
                    <td className="py-1.5 pr-2 text-right whitespace-nowrap tabular-nums" data-testid={`value-${r.method}`}>
                      {r.skipped ? "—" : kind === "p-value" ? formatP(value) : formatStat(value)}
                      {!r.skipped && kind === "p-value" && r.statistic !== null && (
                        <div className="text-slate-500 dark:text-slate-400">stat {formatStat(statNumber(r.statistic))}</div>
                      )}
                    </td>
                    <td className="py-1.5 pr-2 text-right whitespace-nowrap tabular-nums">{kind === "p-value" ? `< ${formatStat(r.threshold)}` : `≥ ${formatStat(r.threshold)}`}</td>
                    <td className="py-1.5">{r.skipped ? <span className="text-slate-500 dark:text-slate-400">skipped: {r.detail}</span> : <Verdict drifted={r.drifted} />}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}
