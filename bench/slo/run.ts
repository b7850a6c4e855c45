// SLO evaluation cost (issue #13): lib/queries/evaluateSlos for every model of an existing database, read-only.
//   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/driftwatch_bench_read \
//     npx tsx --conditions=react-server bench/slo/run.ts [--at <RFC 3339>] [--runs 5]
// Each model gets the heaviest usual set: availability 99.9 %, latency 99 % within 250 ms and (classifiers)
// accuracy 95 %, each over 30 days, so one evaluation reads 30 days of hour rows and the minute rows of the
// burn-rate windows. `--at` (default: the end of the newest hour row) is the evaluation time. Prints per model the
// first and the median of the next runs (wall time from this process), the database's own execution time of the
// rollup query (EXPLAIN ANALYZE), and the rows it read; then one sequential pass over every model.
import { closeDb, getDb, rawQuery } from "../../lib/db/client";
import { evaluateSlos, evaluateSlosOfModels } from "../../lib/queries/getSlos";
import type { Slo } from "../../lib/alerts/slo/objectives";

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : def;
}
const RUNS = Number(arg("runs", "5"));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x: number) => `${x.toFixed(1)} ms`;

async function main() {
  const db = getDb();
  const models = await db.model.findMany({ select: { id: true, task: true }, orderBy: { id: "asc" } });
  const [{ last }] = await rawQuery<{ last: Date | null }>(`SELECT max(bucket) AS last FROM rollups WHERE level = 'h'`);
  const at = new Date(arg("at", last ? new Date(last.getTime() + 3_600_000 - 1).toISOString() : new Date().toISOString()));
  const [{ events }] = await rawQuery<{ events: number }>(`SELECT coalesce(sum(n), 0)::float8 AS events FROM rollups WHERE level = 'h' AND version = '' AND segment = '*'`);
  console.log(`${models.length} models, ${events.toLocaleString("en")} events in the rollups; evaluated at ${at.toISOString()}\n`);
  console.log("| model | SLOs | first | warm median (min–max) | database (EXPLAIN ANALYZE) | rows read | availability budget remaining | firing |");
  console.log("|---|---|---|---|---|---|---|---|");
  const slosOf = (task: string): Slo[] => [
    { name: "availability", kind: "availability", target: 0.999, windowDays: 30, thresholdMs: null },
    { name: "latency-250ms", kind: "latency", target: 0.99, windowDays: 30, thresholdMs: 250 },
    ...(task === "regression" ? [] : [{ name: "accuracy", kind: "accuracy" as const, target: 0.95, windowDays: 30, thresholdMs: null }]),
  ];
  for (const m of models) {
    const slos = slosOf(m.task);
    const times: number[] = [];
    let result;
    for (let i = 0; i <= RUNS; i++) {
      const t = performance.now();
      result = await evaluateSlos(m.id, slos, { now: at });
      times.push(performance.now() - t);
    }
    // the database's share: the same statement under EXPLAIN ANALYZE
    const plan = await explain(m.id, slos, at);
    const warm = times.slice(1);
    const a = result!.slos[0];
    console.log(
      `| ${m.id} | ${slos.length} | ${ms(times[0])} | ${ms(median(warm))} (${ms(Math.min(...warm))}–${ms(Math.max(...warm))}) | ${ms(plan.execMs)} | ${plan.rows} | ${a.errorBudget.remaining ?? "–"} | ${result!.slos.flatMap((s) => s.firing.map((f) => `${s.name}:${f}`)).join(", ") || "none"} |`,
    );
  }
  const t = performance.now();
  for (const m of models) await evaluateSlos(m.id, slosOf(m.task), { now: at });
  console.log(`\none pass over all ${models.length} models, one statement each: ${ms(performance.now() - t)}`);
  const fleet = new Map(models.map((m) => [m.id, slosOf(m.task)]));
  const times: number[] = [];
  for (let i = 0; i <= RUNS; i++) {
    const t1 = performance.now();
    await evaluateSlosOfModels(fleet, { now: at });
    times.push(performance.now() - t1);
  }
  console.log(`all ${models.length} models in one statement (evaluateSlosOfModels): first ${ms(times[0])}, warm median ${ms(median(times.slice(1)))}`);
  await closeDb();
  process.exit(0);
}

/**
 * EXPLAIN ANALYZE of the rollup statement evaluateSlos sends: the statement is caught on its way to pg's pool
 * (rawQuery's driver on PostgreSQL) and run again under EXPLAIN on a connection of our own.
 */
async function explain(model: string, slos: Slo[], at: Date): Promise<{ execMs: number; rows: number }> {
  const pg = (await import("pg")).default;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const proto = pg.Pool.prototype as any;
  const orig = proto.query;
  let caught: { text: string; values: unknown[] } | null = null;
  proto.query = function (text: unknown, values: unknown[]) {
    if (typeof text === "string" && text.includes("jsonb_to_record(r.data)")) caught = { text, values };
    return orig.call(this, text, values);
  };
  try {
    await evaluateSlos(model, slos, { now: at });
  } finally {
    proto.query = orig;
  }
  if (!caught) throw new Error("the rollup statement was not seen (is DATABASE_URL a PostgreSQL?)");
  const { text, values } = caught as { text: string; values: unknown[] };
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 1 });
  const res = await pool.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${text}`, values);
  await pool.end();
  const plan = res.rows[0]["QUERY PLAN"][0];
  return { execMs: plan["Execution Time"], rows: rowsRead(plan.Plan) };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function rowsRead(node: any): number {
  if (node["Relation Name"] === "rollups") return node["Actual Rows"] * (node["Actual Loops"] ?? 1);
  return (node.Plans ?? []).reduce((s: number, p: unknown) => s + rowsRead(p), 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
