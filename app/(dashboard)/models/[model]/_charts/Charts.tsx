import { cache } from "react";
import { type ChartPoint, formatValue, type SeriesSpec, type Unit } from "@/components/model/format";
import { type AlertBand, AlertLegend, ChartLegend, TimeChart } from "@/components/model/TimeChart";
import { Sparkline } from "@/components/overview/Sparkline";
import { Time } from "@/components/ui/Time";
import { ceilMs, DAY, floorMs, HOUR } from "@/lib/domain/time";
import { getMetricsWithWhole } from "@/lib/queries/getMetrics";
import { type FeatureQuality, getQuality, type MissingPoint } from "@/lib/queries/getQuality";
import { alertBands, alertsOf } from "../_alerts/data";
import type { ModelView } from "../searchParams";
import { rangeQuery, seriesQuery } from "../searchParams";
import { confidenceChart, deploymentMarkers, latencyChart, performanceChart, predictionChart, requestsChart } from "./data";

/**
 * The charts' series and the whole range's numbers, read once per page however many charts use them, and from one
 * read of the rollups when the series' rows are the window's (getMetricsWithWhole): the same numbers as the
 * metrics API's series and `window=single` requests.
 */
const metricsOf = cache((model: string, key: string, view: ModelView) => {
  void key;
  return getMetricsWithWhole(model, seriesQuery(view));
});
/** The p99 latency limit of the default alert rule (DESIGN: p99 above 500 ms for 5 minutes). */
const LATENCY_LIMIT_MS = 500;
export const keyOf = (v: ModelView) => JSON.stringify([v.from, v.to, v.stepMs, v.version, v.segments]);

function Card({ title, testId, stats, legend, alerts = [], children }: { title: string; testId: string; stats: React.ReactNode; legend?: SeriesSpec[]; alerts?: AlertBand[]; children: React.ReactNode }) {
  return (
    <section className="min-w-0 rounded-xl border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900" aria-label={title} data-testid={testId}>
      <div className="mb-2 flex flex-wrap items-baseline justify-between gap-x-3 gap-y-1">
        <h2 className="text-sm font-semibold text-slate-900 dark:text-slate-100">{title}</h2>
        <div className="flex flex-wrap gap-x-3 text-xs text-slate-600 dark:text-slate-400">{stats}</div>
      </div>
      <div className="text-slate-500 dark:text-slate-400">{children}</div>
      {(legend || alerts.length > 0) && (
        <div className="mt-2 space-y-1">
          {legend && <ChartLegend series={legend} />}
          <AlertLegend alerts={alerts} />
        </div>
      )}
    </section>
  );
}

function Stat({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <span>
      {label} <strong className="font-semibold tabular-nums text-slate-900 dark:text-slate-100" data-testid={testId}>{value}</strong>
    </span>
  );
}

type Props = { model: string; view: ModelView };

async function load({ model, view }: Props) {
  const key = keyOf(view);
  const [m, alerts] = await Promise.all([metricsOf(model, key, view), alertsOf(model, key, view)]);
  if (!m) return null;
  return { series: m.series, whole: m.whole.buckets[0], markers: deploymentMarkers(m.series), alerts: alertBands(alerts) };
}

type Loaded = NonNullable<Awaited<ReturnType<typeof load>>>;

function chart(view: ModelView, data: ChartPoint[], series: SeriesSpec[], unit: Unit, d: Loaded, extra: Partial<React.ComponentProps<typeof TimeChart>> = {}) {
  return <TimeChart data={data} series={series} unit={unit} from={view.from.getTime()} to={view.to.getTime()} stepMs={view.stepMs} markers={d.markers} alerts={d.alerts} {...extra} />;
}

export async function RequestsCard(p: Props) {
  const d = await load(p);
  if (!d) return null;
  const c = requestsChart(d.series);
  return (
    <Card
      title="Requests and errors"
      testId="chart-requests"
      alerts={d.alerts}
      legend={c.series}
      stats={
        <>
          <Stat label="requests" value={formatValue(d.whole.requests, "count")} testId="stat-requests" />
          <Stat label="error rate" value={formatValue(d.whole.errors.rate, "ratio")} testId="stat-error-rate" />
        </>
      }
    >
      {chart(p.view, c.data, c.series, "count", d)}
    </Card>
  );
}

export async function LatencyCard(p: Props) {
  const d = await load(p);
  if (!d) return null;
  const c = latencyChart(d.series);
  // the 500 ms limit is drawn when the p99 comes within reach of it; far below, it would flatten the lines
  const peak = Math.max(0, ...c.data.map((x) => x.p99 ?? 0));
  const near = peak >= LATENCY_LIMIT_MS * 0.4;
  return (
    <Card
      title="Latency"
      testId="chart-latency"
      alerts={d.alerts}
      legend={c.series}
      stats={
        <>
          <Stat label="p50" value={formatValue(d.whole.latency.p50, "ms")} testId="stat-p50" />
          <Stat label="p99" value={formatValue(d.whole.latency.p99, "ms")} testId="stat-p99" />
          <span data-testid="latency-limit">{near ? "limit 500 ms (dashed)" : `limit 500 ms, above the chart`}</span>
        </>
      }
    >
      {chart(p.view, c.data, c.series, "ms", d, near ? { lines: [{ y: LATENCY_LIMIT_MS, label: "500 ms", extend: true }] } : {})}
    </Card>
  );
}

export async function PredictionsCard(p: Props) {
  const d = await load(p);
  if (!d) return null;
  const c = predictionChart(d.series);
  const w = d.whole.predictions;
  let stat: React.ReactNode;
  if (w.kind === "classes") {
    const total = Object.values(w.counts).reduce((a, b) => a + b, 0);
    const [top, n] = Object.entries(w.counts).sort((a, b) => b[1] - a[1])[0] ?? ["—", 0];
    stat = <Stat label={`top class ${top}`} value={formatValue(total ? n / total : null, "ratio")} testId="stat-top-class" />;
  } else {
    stat = <Stat label="mean prediction" value={formatValue(w.mean, "number")} testId="stat-prediction-mean" />;
  }
  return (
    <Card title={c.kind === "classes" ? "Prediction mix" : "Predicted values"} testId="chart-predictions" legend={c.series} alerts={d.alerts} stats={stat}>
      {chart(p.view, c.data, c.series, c.kind === "classes" ? "count" : "number", d, c.kind === "classes" ? { stacked100: true } : {})}
    </Card>
  );
}

export async function ConfidenceCard(p: Props) {
  const d = await load(p);
  if (!d) return null;
  const c = confidenceChart(d.series);
  return (
    <Card
      title="Confidence"
      testId="chart-confidence"
      alerts={d.whole.confidence.count === 0 ? [] : d.alerts}
      legend={d.whole.confidence.count === 0 ? undefined : c.series}
      stats={
        <>
          <Stat label="p25" value={formatValue(d.whole.confidence.p25, "number")} testId="stat-confidence-p25" />
          <Stat label="median" value={formatValue(d.whole.confidence.p50, "number")} testId="stat-confidence-p50" />
        </>
      }
    >
      {d.whole.confidence.count === 0 ? (
        <p className="flex h-[180px] items-center justify-center text-center text-sm">
          {d.whole.predictions.kind === "values"
            ? "A regression's predictions are values: they carry no confidence."
            : "No prediction in this range carried probabilities or a confidence."}
        </p>
      ) : (
        chart(p.view, c.data, c.series, "number", d, { yMax: 1, lines: [{ y: 0.6, label: "0.6" }] })
      )}
    </Card>
  );
}

export async function PerformanceCard(p: Props) {
  const d = await load(p);
  if (!d) return null;
  const c = performanceChart(d.series);
  const perf = d.whole.performance;
  const main =
    perf === null ? null : perf.kind === "classification" ? { label: "accuracy", v: perf.accuracy, unit: "ratio" as const } : { label: "MAE", v: perf.mae, unit: "number" as const };
  return (
    <Card
      title="Performance"
      testId="chart-performance"
      alerts={d.whole.labels.labelled === 0 ? [] : d.alerts}
      legend={c.series}
      stats={
        <>
          <Stat label={main?.label ?? (c.kind === "regression" ? "MAE" : "accuracy")} value={formatValue(main?.v ?? null, main?.unit ?? "ratio")} testId="stat-performance" />
          <Stat label="labelled" value={formatValue(d.whole.labels.coverage, "ratio")} testId="stat-coverage" />
        </>
      }
    >
      {d.whole.labels.labelled === 0 ? (
        <p className="flex h-[180px] items-center justify-center px-6 text-center text-sm">
          No labels yet for this range. Send ground truth with POST /api/v1/labels; performance appears as labels arrive.
        </p>
      ) : (
        chart(p.view, c.data, c.series, c.kind === "regression" ? "number" : "ratio", d, { rightUnit: "ratio", ...(c.kind === "classification" ? { yMax: 1 } : {}) })
      )}
    </Card>
  );
}

/** The confusion matrix of the whole range (rows: actual, columns: predicted), or the regression residual summary. */
export async function ConfusionCard(p: Props) {
  const d = await load(p);
  if (!d) return null;
  const perf = d.whole.performance;
  if (perf === null)
    return (
      <Card title="Confusion matrix" testId="chart-confusion" stats={null}>
        <p className="py-6 text-center text-sm">No labelled predictions in this range.</p>
      </Card>
    );
  if (perf.kind === "regression") {
    // MAPE is a share of the actual values: a percentage, not a number in the prediction's unit
    const rows: [string, number | null, "number" | "ratio"][] = [
      ["MAE", perf.mae, "number"],
      ["RMSE", perf.rmse, "number"],
      ["MAPE", perf.mape, "ratio"],
      ["R²", perf.r2, "number"],
    ];
    return (
      <Card title="Residuals" testId="chart-confusion" stats={<Stat label="labelled" value={formatValue(d.whole.labels.labelled, "count")} testId="stat-labelled" />}>
        <dl className="grid grid-cols-2 gap-3 py-2 sm:grid-cols-4">
          {rows.map(([k, v, unit]) => (
            <div key={k} className="rounded-lg bg-slate-50 p-3 dark:bg-slate-800/60">
              <dt className="text-xs">{k}</dt>
              <dd className="text-lg font-semibold tabular-nums text-slate-900 dark:text-slate-100" data-testid={`residual-${k}`}>
                {formatValue(v, unit)}
              </dd>
            </div>
          ))}
        </dl>
      </Card>
    );
  }
  const { classes, matrix } = perf.confusion;
  const max = Math.max(1, ...matrix.flat());
  return (
    <Card title="Confusion matrix" testId="chart-confusion" stats={<Stat label="labelled" value={formatValue(d.whole.labels.labelled, "count")} testId="stat-labelled" />}>
      <div className="overflow-x-auto">
        <table className="text-xs tabular-nums" data-testid="confusion">
          <caption className="sr-only">Rows are the actual class, columns the predicted class</caption>
          <thead>
            <tr>
              <th scope="col" className="px-2 py-1 text-left font-normal">actual ↓ predicted →</th>
              {classes.map((c) => (
                <th key={c} scope="col" className="px-2 py-1 text-right font-medium text-slate-700 dark:text-slate-300">
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {matrix.map((row, i) => (
              <tr key={classes[i]}>
                <th scope="row" className="px-2 py-1 text-left font-medium text-slate-700 dark:text-slate-300">
                  {classes[i]}
                </th>
                {row.map((n, j) => {
                  const a = n / max;
                  return (
                    <td
                      key={classes[j]}
                      className={`px-3 py-1.5 text-right text-slate-900 dark:text-slate-100 ${i === j ? "font-semibold" : ""}`}
                      // at most 62 % blue, so dark text (light theme) and light text (dark theme) both keep their contrast
                      style={{ background: `rgba(0, 114, 178, ${(0.06 + 0.56 * a).toFixed(3)})` }}
                      data-testid={`cm-${i}-${j}`}
                    >
                      {n.toLocaleString("en-US")}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}

/**
 * The missing-share sparkline's buckets: hours for ranges up to a day (charts in minutes), days beyond, so a week or
 * a month reads one daily rollup row per day instead of 24 hour rows (and the line has 7–31 points, not 168–720).
 */
const missingStep = (view: ModelView) => (view.stepMs < HOUR ? HOUR : DAY);
/**
 * The data-quality card's window: the page's range widened to whole hours. Data quality is counted from the hourly
 * and daily feature rollups; a range starting or ending inside an hour would be counted from that hour's raw events
 * instead (the quality API does so, exact to the millisecond), and the 1 h, 6 h and 24 h views, whose edges are
 * rarely whole hours, would scan up to two hours of a busy model's events on every view: 1–5 s a page under the
 * soak's load. Widened, the card reads rollup rows only, and says which hours it covers.
 */
function qualityWindow(view: ModelView): ModelView {
  return { ...view, from: new Date(floorMs(view.from.getTime(), HOUR)), to: new Date(ceilMs(view.to.getTime(), HOUR)) };
}
const qualityOf = cache((model: string, key: string, view: ModelView) => {
  void key;
  return getQuality(model, rangeQuery(qualityWindow(view)), missingStep(view));
});

const per = (ms: number) => (ms === HOUR ? "hour" : ms === DAY ? "day" : ms % DAY === 0 ? `${ms / DAY} days` : `${ms / HOUR} hours`);

/** The sparkline's label: what it shows, its range and its latest bucket with data (the numbers for screen readers). */
function missingLabel(name: string, points: MissingPoint[], stepMs: number): string {
  const rates = points.map((p) => p.missingRate).filter((r): r is number => r !== null);
  const head = `Missing share of ${name} per ${per(stepMs)}`;
  if (!rates.length) return `${head}: no events`;
  const fmt = (x: number) => formatValue(x, "ratio");
  return `${head}: ${fmt(Math.min(...rates))} to ${fmt(Math.max(...rates))}; latest ${fmt(rates.at(-1)!)}`;
}

type Side = FeatureQuality["summary"] | FeatureQuality["reference"];
function describe(s: Side): string {
  if (!s) return "—";
  if (s.kind === "numerical") return s.mean === null ? "—" : `${formatValue(s.mean, "number")} ± ${formatValue(s.std, "number")}`;
  const total = s.top.reduce((a, t) => a + t.count, 0) + (s.overflow ?? 0);
  return s.top.length === 0 ? "—" : s.top.slice(0, 3).map((t) => `${t.value} ${formatValue(total ? t.count / total : null, "ratio")}`).join(", ");
}

/** Per feature over the range: missing, wrong type, out of range, new categories, and the values beside the reference's. */
export async function QualityCard({ model, view }: Props) {
  const q = await qualityOf(model, keyOf(view), view);
  if (!q) return null;
  const step = missingStep(view);
  const widened = q.from !== view.from.toISOString() || q.to !== view.to.toISOString();
  const cell = "px-2 py-1.5 text-right tabular-nums";
  return (
    <section
      className="min-w-0 rounded-xl border border-slate-200 bg-white p-4 shadow-sm lg:col-span-2 dark:border-slate-800 dark:bg-slate-900"
      aria-label="Data quality"
      data-testid="chart-quality"
      data-from={q.from}
      data-to={q.to}
    >
      <div className="mb-2 flex flex-wrap items-baseline justify-between gap-x-3 gap-y-1">
        <h2 className="text-sm font-semibold text-slate-900 dark:text-slate-100">Data quality</h2>
        <p className="text-xs text-slate-600 dark:text-slate-400">
          {widened ? (
            <>
              whole hours <Time iso={q.from} /> – <Time iso={q.to} /> ·{" "}
            </>
          ) : null}
          line: missing share per {per(step)}
        </p>
      </div>
      <div className="overflow-x-auto" tabIndex={0} aria-label="Data quality per feature (scrolls sideways)">
        <table className="min-w-full text-xs text-slate-700 dark:text-slate-300">
          <thead className="text-left text-slate-500 dark:text-slate-400">
            <tr>
              <th scope="col" className="px-2 py-1.5 font-medium">Feature</th>
              <th scope="col" className="px-2 py-1.5 text-right font-medium">Missing</th>
              <th scope="col" className="px-2 py-1.5 text-right font-medium">Wrong type</th>
              <th scope="col" className="px-2 py-1.5 text-right font-medium">Out of range</th>
              <th scope="col" className="px-2 py-1.5 font-medium">New categories</th>
              <th scope="col" className="px-2 py-1.5 font-medium">This range</th>
              <th scope="col" className="px-2 py-1.5 font-medium">Reference</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
            {q.features.map((f) => (
              <tr key={f.name} data-feature={f.name}>
                <th scope="row" className="px-2 py-1.5 text-left font-medium text-slate-900 dark:text-slate-100">
                  {f.name} <span className="font-normal text-slate-500 dark:text-slate-400">{f.type === "numerical" ? "num" : "cat"}</span>
                </th>
                <td className={cell}>
                  <div className="flex items-center justify-end gap-2">
                    {f.missingSeries && (
                      <Sparkline
                        values={f.missingSeries.map((p) => p.missingRate)}
                        min={0}
                        width={72}
                        height={20}
                        tone={(f.missingRate ?? 0) >= 0.05 ? "amber" : "slate"}
                        label={missingLabel(f.name, f.missingSeries, step)}
                        testId="quality-missing-spark"
                      />
                    )}
                    <span className={`whitespace-nowrap ${(f.missingRate ?? 0) >= 0.05 ? "font-semibold text-amber-800 dark:text-amber-300" : ""}`} data-testid="quality-missing">
                      {formatValue(f.missingRate, "ratio")}
                    </span>
                  </div>
                </td>
                <td className={cell}>{formatValue(f.typeMismatches, "count")}</td>
                <td className={cell}>{formatValue(f.outOfRange, "count")}</td>
                <td className="px-2 py-1.5">{f.newCategories.length ? f.newCategories.slice(0, 3).map((c) => `${c.value} (${formatValue(c.count, "count")})`).join(", ") : "—"}</td>
                <td className="px-2 py-1.5 tabular-nums">{describe(f.summary)}</td>
                <td className="px-2 py-1.5 tabular-nums text-slate-500 dark:text-slate-400">{describe(f.reference)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
