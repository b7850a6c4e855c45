/**
 * bench/retention/upgrade.ts — times the migrations a database still lacks, e.g. the feature-layouts rewrite of
 * every stored event on a database bench/retention loaded with an older build:
 *
 *   npx tsx bench/retention/upgrade.ts [--db driftwatch_bench_retention]
 *
 * (DATABASE_URL's server, else 127.0.0.1:5432.) Reports the events before and after, and the time per event.
 */
import pg from "pg";
import { closeDb } from "../../lib/db/client";
import { migrate } from "../../lib/db/migrate";

const args = process.argv.slice(2);
const i = args.indexOf("--db");
const name = i >= 0 && args[i + 1] ? args[i + 1] : "driftwatch_bench_retention";
const url = new URL(process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres");
url.pathname = `/${name}`;

async function main() {
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  const count = async () => Number((await client.query(`SELECT count(*) AS n FROM prediction_events`)).rows[0].n);
  const before = await count();
  process.env.DATABASE_URL = url.toString();
  const t0 = performance.now();
  const applied = await migrate();
  const seconds = (performance.now() - t0) / 1000;
  await closeDb();
  const after = await count();
  const [{ bytes }] = (await client.query(`
    SELECT sum(pg_total_relation_size(i.inhrelid))::float8 AS bytes FROM pg_inherits i WHERE i.inhparent = 'prediction_events'::regclass`)).rows;
  await client.end();
  console.log(`applied ${applied.join(", ") || "nothing"} in ${seconds.toFixed(1)} s: ${before} events before, ${after} after ` +
    `(${Math.round(before / seconds)} events/s); ${Math.round(bytes / Math.max(1, after))} B per event stored (before VACUUM)`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
