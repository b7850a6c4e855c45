/**
 * bench/pages/profile — where the model page's server time goes, query by query, in-process on bench/read's kept
 * database (no HTTP, no React): each read the page makes, alone (median of --runs after one warm-up), then all of
 * them side by side as the page runs them.
 *
 *   node --conditions=react-server --import tsx bench/pages/profile.ts [--db driftwatch_bench_read] [--range 30d] [--runs 5]
 *   node --conditions=react-server --import tsx bench/pages/profile.ts --page overview [--db …] [--runs 5]
 *
 * `--conditions=react-server` lets lib/queries (marked "server-only") load outside Next.js.
 */
import { parseModelView, rangeQuery, seriesQuery, type RangeName } from "../../app/(dashboard)/models/[model]/searchParams";
import { DAY, HOUR } from "../../lib/domain/time";

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const dbName = arg("db", "driftwatch_bench_read");
const range = arg("range", "30d") as RangeName;
const runs = Number(arg("runs", "5"));
const pageName = arg("page", "model");
const url = new URL(process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres");
url.pathname = `/${dbName}`;
process.env.DATABASE_URL = url.toString();

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function time(name: string, fn: () => Promise<unknown>) {
  await fn();
  const ms: number[] = [];
  let out: unknown;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    out = await fn();
    ms.push(performance.now() - t);
  }
  const bytes = Buffer.byteLength(JSON.stringify(out) ?? "");
  console.log(`  ${name.padEnd(34)} ${median(ms).toFixed(1).padStart(8)} ms  (${Math.min(...ms).toFixed(0)}–${Math.max(...ms).toFixed(0)})  ${(bytes / 1024).toFixed(0)} kB JSON`);
}

/** The overview's reads: the models list (its API), the fleet's SLOs and firing alerts, each model's trends. */
async function overview() {
  const { closeDb } = await import("../../lib/db/client");
  const { listModels } = await import("../../lib/queries/listModels");
  const { getModelTrend } = await import("../../lib/queries/getModelTrend");
  const { getFleetSlos } = await import("../../lib/queries/getSlos");
  const { firingByModel } = await import("../../lib/alerts/evaluate/timeline");
  const now = new Date();
  const models = (await listModels(now)).map((m) => m.id);
  console.log(`overview of ${models.length} models; median of ${runs}`);
  await time("listModels (the API's read)", () => listModels(now));
  await time("getFleetSlos", () => getFleetSlos({ now }));
  await time("firingByModel", () => firingByModel());
  await time(`getModelTrend ${models[0]}`, () => getModelTrend(models[0], now));
  await time("every model's trends", () => Promise.all(models.map((m) => getModelTrend(m, now))));
  await time("all side by side (as the page)", () => Promise.all([listModels(now), getFleetSlos({ now }), firingByModel(), ...models.map((m) => getModelTrend(m, now))]));
  await closeDb();
}

async function main() {
  if (pageName === "overview") return overview();
  const { getDb, closeDb } = await import("../../lib/db/client");
  const { getModel } = await import("../../lib/queries/getModel");
  const metricsModule: Record<string, unknown> = await import("../../lib/queries/getMetrics");
  const { getMetrics } = await import("../../lib/queries/getMetrics");
  // the page's one read of both (when this checkout has it), else its two reads side by side
  const withWhole = metricsModule.getMetricsWithWhole as ((m: string, q: ReturnType<typeof seriesQuery>) => Promise<unknown>) | undefined;
  const { getQuality } = await import("../../lib/queries/getQuality");
  const { getSlos } = await import("../../lib/queries/getSlos");
  const model = (await getDb().model.findFirst({ orderBy: { id: "asc" }, where: { id: "fraud-detector" } })) ?? (await getDb().model.findFirst({ orderBy: { id: "asc" } }));
  if (!model) throw new Error(`no model in ${dbName}`);
  const view = parseModelView({ range }, new Date());
  const missingStep = view.stepMs < HOUR ? HOUR : DAY;
  console.log(`model ${model.id}, range ${range}: ${view.from.toISOString()} – ${view.to.toISOString()}, step ${view.stepMs / 60_000} min; median of ${runs}`);
  const reads: [string, () => Promise<unknown>][] = [
    ["getModel (header)", () => getModel(model.id, { labels: false })],
    ["getSlos (SLO section)", () => getSlos(model.id)],
    ["getMetrics series", () => getMetrics(model.id, seriesQuery(view))],
    ["getMetrics whole range", () => getMetrics(model.id, rangeQuery(view))],
    ["getQuality + missing series", () => getQuality(model.id, rangeQuery(view), missingStep)],
  ];
  const charts: [string, () => Promise<unknown>] = withWhole
    ? ["getMetricsWithWhole (the charts' read)", () => withWhole(model.id, seriesQuery(view))]
    : ["series + whole range (the charts' reads)", () => Promise.all([getMetrics(model.id, seriesQuery(view)), getMetrics(model.id, rangeQuery(view))])];
  for (const [name, fn] of [...reads, charts]) await time(name, fn);
  const page = [reads[0], reads[1], charts, reads[4]];
  await time("all side by side (as the page)", () => Promise.all(page.map(([, fn]) => fn())));
  await closeDb();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
