// The model page's alert read (issue #13): lib/alerts/evaluate/timeline modelAlertTimeline (the strip and the chart
// bands) and firingByModel (the overview), on a heavy alert history.
//   createdb -h 127.0.0.1 -U postgres bench_alertsmodel
//   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_alertsmodel npx tsx scripts/db/migrate.ts
//   psql -h 127.0.0.1 -U postgres -d bench_alertsmodel -f bench/model-alerts/seed.sql
//   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_alertsmodel npx tsx bench/model-alerts/run.ts [--runs 9]
// seed.sql: 100 models × 7 rules and alerts; model m0's alerts each flapped every 5 minutes for 90 days (25,920
// transitions each, 181,440 in all), the other 99 models' 500 each (346,500). Prints, per range of the model page,
// the warm median wall time of modelAlertTimeline for m0 (the worst case) and m5 with the page's gap (the chart's
// bucket), the database's own time of m0's intervals statement (EXPLAIN ANALYZE) and the bands it returns; then
// firingByModel.
import { closeDb, Prisma, rawQuery } from "../../lib/db/client";
import { DAY, HOUR } from "../../lib/domain/time";
import { firingByModel, intervalsSql, modelAlertTimeline } from "../../lib/alerts/evaluate/timeline";
import { stepFor } from "../../app/(dashboard)/models/[model]/searchParams";

const RUNS = Number(process.argv[process.argv.indexOf("--runs") + 1] || 9) || 9;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; result: T }> {
  let result = await fn(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    result = await fn();
    times.push(performance.now() - t);
  }
  return { ms: median(times), result };
}

/** The database's own execution time of the intervals statement (EXPLAIN ANALYZE). */
async function explain(model: string, range: Parameters<typeof intervalsSql>[1]): Promise<number> {
  const rows = await rawQuery<{ "QUERY PLAN": { "Execution Time": number }[] }>(Prisma.sql`EXPLAIN (ANALYZE, FORMAT JSON) ${intervalsSql(model, range)}`);
  return rows[0]["QUERY PLAN"][0]["Execution Time"];
}

async function main() {
  const [{ n }] = await rawQuery<{ n: number }>(`SELECT count(*)::int AS n FROM alert_transitions`);
  console.log(`${n.toLocaleString("en")} transitions; ${RUNS} warm runs each, median\n`);
  console.log("| range (bucket) | m0 (25,920 transitions per alert) | m0 intervals, database | m0 bands | m5 (500 per alert) |");
  console.log("|---|---:|---:|---:|---:|");
  for (const [name, span] of [["1 h", HOUR], ["24 h", DAY], ["7 d", 7 * DAY], ["30 d", 30 * DAY]] as const) {
    const now = new Date();
    // as the page asks: spans closer than the chart's bucket merged
    const range = { from: new Date(now.getTime() - span), to: now, now, gapMs: stepFor(span) };
    const heavy = await timed(() => modelAlertTimeline("m0", range));
    const light = await timed(() => modelAlertTimeline("m5", range));
    const db = await explain("m0", range);
    const bands = heavy.result.fired.reduce((s, a) => s + a.intervals.length, 0);
    console.log(`| ${name} (${stepFor(span) / 60_000} min) | ${heavy.ms.toFixed(1)} ms | ${db.toFixed(1)} ms | ${bands.toLocaleString("en")} | ${light.ms.toFixed(1)} ms |`);
  }
  const fleet = await timed(() => firingByModel());
  console.log(`\nfiringByModel (the overview): ${fleet.ms.toFixed(1)} ms for ${fleet.result.size} models with alerts firing`);
  await closeDb();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
