/**
 * `tsx e2e/durability/inspect.ts <model>...` with DATABASE_URL (or DRIFTWATCH_DATA_DIR for the embedded database):
 * prints, as one JSON line, what is stored for the models — event ids, labels, the reference sets of the first
 * model — and each model's differences between its stored rollups and a recount from its raw events and labels
 * (lib/rollups/store/recount.ts). A child process, so the test needs neither Prisma nor the app's module graph,
 * and it opens the embedded database only once the server is gone.
 */
import { closeDb, Prisma, rawQuery } from "../../lib/db/client";
import { rollupDifferences } from "../../lib/rollups/store/recount";

export type Inspection = {
  events: Record<string, string[]>;
  labels: { model_id: string; prediction_id: string; actual: unknown }[];
  sets: { id: string; status: string; row_count: number | null; rows: number }[];
  rollups: Record<string, { differences: string[]; rows: number }>;
};

async function main() {
  const models = process.argv.slice(2);
  const out: Inspection = { events: {}, labels: [], sets: [], rollups: {} };
  for (const model of models) {
    const rows = await rawQuery<{ id: string }>(Prisma.sql`SELECT id FROM prediction_events WHERE model_id = ${model}`);
    out.events[model] = rows.map((r) => r.id);
    const { differences, rows: n } = await rollupDifferences(model);
    out.rollups[model] = { differences: differences.slice(0, 20), rows: n };
  }
  out.labels = await rawQuery(Prisma.sql`SELECT model_id, prediction_id, actual FROM labels WHERE model_id = ANY(${models}::text[])`);
  out.sets = await rawQuery(Prisma.sql`
    SELECT s.id::text, s.status, s.row_count, (SELECT count(*)::int FROM reference_rows r WHERE r.reference_id = s.id) AS rows
    FROM reference_sets s WHERE s.model_id = ${models[0]} ORDER BY s.id`);
  await closeDb();
  // exit only once the (possibly large) line is written: stdout to a pipe is asynchronous
  process.stdout.write(JSON.stringify(out) + "\n", () => process.exit(0));
}
void main();
