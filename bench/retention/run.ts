/**
 * bench/retention — what a raw event costs on disk, and what retention by partition costs at scale.
 *
 *   npx tsx bench/retention/run.ts [--events 2000000] [--days 60] [--keep 30] [--ids ordered|random]
 *
 * Makes a scratch database `driftwatch_bench_retention` on DATABASE_URL's server (else 127.0.0.1:5432), applies the
 * migrations, and writes `--events` events of 20 features (15 numerical, 5 categorical) spread evenly over the last
 * `--days` days in the app's own row format (eventRow → the COPY text the write path sends, 1,000-event COPYs;
 * no HTTP, no rollups: bench/ingest times those). Then it reports the bytes per stored event — heap, TOAST, each
 * index, and WAL written during the load — and the average size of each column, and runs the retention pass
 * (`pruneRawEvents`) with a retention of `--keep` days, timed.
 */
import pg from "pg";
import { copyIn } from "../../lib/db/copy";
import { closeDb } from "../../lib/db/client";
import { migrate } from "../../lib/db/migrate";
import { assignLayouts, EVENT_COLUMNS, eventRow, eventsCopyText, timeOrderedId } from "../../lib/ingest/predictions";
import { pruneRawEvents } from "../../lib/retention/prune";
import { getRetention } from "../../lib/retention/settings";
import { ingestLabels } from "../../lib/ingest/labels";

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const total = Number(opt("events", "2000000"));
const days = Number(opt("days", "60"));
const keep = Number(opt("keep", "30"));
const idKind = opt("ids", "ordered");
const DAY = 86_400_000;
const MODEL = "bench-retention";
const COUNTRIES = ["DE", "FR", "US", "GB", "ES", "IT", "NL", "PL"];
const CHANNELS = ["web", "app", "pos"];
const DEVICES = ["ios", "android", "desktop", "tablet"];
const TIERS = ["free", "basic", "premium"];

const server = new URL(process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres");
const dbUrl = (name: string) => {
  const u = new URL(server.toString());
  u.pathname = `/${name}`;
  return u.toString();
};
const NAME = "driftwatch_bench_retention";

/** One deterministic event of 20 features (15 numerical, 5 categorical), as a service would send it. */
function event(i: number, ts: number) {
  const x = Math.sin(i * 12.9898) * 43758.5453;
  const r = x - Math.floor(x);
  const y = Math.sin(i * 78.233) * 12345.6789;
  const s = y - Math.floor(y);
  return {
    id: idKind === "random" ? crypto.randomUUID() : timeOrderedId(ts),
    model: MODEL,
    version: i % 4 === 0 ? "v2" : "v1",
    timestamp: new Date(ts),
    features: {
      amount: Math.round(r * 50000) / 100,
      age: 18 + (i % 63),
      score: r,
      n_items: i % 9,
      distance_km: Math.round(r * 9000) / 10,
      hour: i % 24,
      balance: Math.round((r - 0.3) * 1e6) / 100,
      account_age_days: (i * 7) % 3650,
      txn_count_24h: i % 40,
      avg_amount_30d: Math.round(s * 30000) / 100,
      merchant_risk: Math.round(s * 1000) / 1000,
      ip_distance_km: Math.round(s * 5000) / 10,
      failed_logins: i % 5,
      session_seconds: 30 + ((i * 13) % 1800),
      velocity: Math.round(r * s * 1e4) / 1e4,
      country: COUNTRIES[i % COUNTRIES.length],
      channel: CHANNELS[i % CHANNELS.length],
      is_new_user: i % 7 === 0 ? "yes" : "no",
      device: DEVICES[i % DEVICES.length],
      tier: TIERS[i % TIERS.length],
    },
    prediction: r > 0.9 ? "fraud" : "legit",
    probabilities: { fraud: Math.round(r * 1000) / 1000, legit: Math.round((1 - r) * 1000) / 1000 },
    latencyMs: Math.round((5 + r * 40) * 10) / 10,
    ...(i % 200 === 0 ? { error: { type: "timeout" } } : {}),
  };
}

async function main() {
  const admin = new pg.Client({ connectionString: dbUrl("postgres") });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${NAME} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${NAME}`);
  await admin.end();
  process.env.DATABASE_URL = dbUrl(NAME);
  await migrate();
  const client = new pg.Client({ connectionString: dbUrl(NAME) });
  await client.connect();
  await client.query(`INSERT INTO models (id, name, task, classes, auto_registered) VALUES ($1, $1, 'binary_classification', '["fraud","legit"]', true)`, [MODEL]);

  const now = Date.now();
  const start = now - days * DAY;
  const step = (days * DAY) / total;
  await client.query(`SELECT dw_ensure_event_partitions(ARRAY(SELECT d::date FROM generate_series(to_timestamp($1 / 1000.0), to_timestamp($2 / 1000.0) + interval '8 days', interval '1 day') d))`, [start, now]);
  const [wal0] = (await client.query(`SELECT pg_current_wal_lsn() AS lsn`)).rows;
  const t0 = performance.now();
  const received = new Date(now);
  for (let from = 0; from < total; from += 10_000) {
    await client.query("BEGIN");
    for (let b = from; b < Math.min(total, from + 10_000); b += 1000) {
      const rows = [];
      for (let i = b; i < Math.min(total, b + 1000); i++) rows.push(eventRow(event(i, Math.floor(start + i * step)), received));
      await assignLayouts(rows, async (sql) => (await client.query(sql.text, sql.values)).rows);
      await copyIn(client, `COPY prediction_events (${EVENT_COLUMNS}) FROM STDIN`, eventsCopyText(rows));
    }
    await client.query("COMMIT");
  }
  const loadSeconds = (performance.now() - t0) / 1000;
  const [wal1] = (await client.query(`SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1) AS bytes`, [wal0.lsn])).rows;
  await client.query("VACUUM (ANALYZE) prediction_events");
  const [sizes] = (
    await client.query(`
      WITH parts AS (SELECT c.oid, c.reltoastrelid FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'prediction_events'::regclass)
      SELECT sum(pg_relation_size(p.oid))::float8 AS heap,
             sum(CASE WHEN p.reltoastrelid <> 0 THEN pg_total_relation_size(p.reltoastrelid) ELSE 0 END)::float8 AS toast,
             (SELECT sum(pg_relation_size(ix.indexrelid)) FROM pg_index ix JOIN parts q ON q.oid = ix.indrelid
               JOIN pg_class ic ON ic.oid = ix.indexrelid WHERE ic.relname LIKE '%pkey')::float8 AS pkey,
             (SELECT sum(pg_relation_size(ix.indexrelid)) FROM pg_index ix JOIN parts q ON q.oid = ix.indrelid
               JOIN pg_class ic ON ic.oid = ix.indexrelid WHERE ic.relname NOT LIKE '%pkey')::float8 AS ts_index,
             sum(pg_total_relation_size(p.oid))::float8 AS total
      FROM parts p`)
  ).rows;
  const [cols] = (
    await client.query(`
      SELECT avg(pg_column_size(e.*))::float8 AS row, avg(pg_column_size(model_id))::float8 AS model_id, avg(pg_column_size(id))::float8 AS id,
             avg(pg_column_size(version))::float8 AS version, avg(pg_column_size(feature_values))::float8 AS features,
             avg(pg_column_size(prediction))::float8 AS prediction, avg(pg_column_size(probabilities))::float8 AS probabilities
      FROM prediction_events e TABLESAMPLE SYSTEM (1)`)
  ).rows;
  const per = (b: number) => Math.round(b / total);
  console.log(`loaded ${total} events over ${days} days in ${loadSeconds.toFixed(1)} s (${Math.round(total / loadSeconds)} events/s, one connection, COPY)`);
  console.log(`bytes per stored event: heap ${per(sizes.heap)}, TOAST ${per(sizes.toast)}, primary key ${per(sizes.pkey)}, (model_id, ts) index ${per(sizes.ts_index)}; total ${per(sizes.total)} (with free-space and visibility maps)`);
  console.log(`WAL written by the load: ${per(Number(wal1.bytes))} B/event`);
  console.log(`average column sizes (1 % sample): row ${Math.round(cols.row)} (tuple data, without the 24-byte header and 4-byte line pointer), ` +
    `feature_values ${Math.round(cols.features)}, id ${Math.round(cols.id)}, model_id ${Math.round(cols.model_id)}, version ${Math.round(cols.version)}, prediction ${Math.round(cols.prediction)}, probabilities ${Math.round(cols.probabilities)}`);

  const [{ n: before }] = (await client.query(`SELECT count(*)::int AS n FROM prediction_events`)).rows;
  await client.query(`INSERT INTO install_settings (key, value, updated_by) VALUES ('rawEventRetentionDays', $1::jsonb, 'bench') ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, [JSON.stringify(keep)]);
  // A pass that drops nothing first, as the server's hourly pass runs on open connections (the first query of a
  // process opens Prisma's pool and the raw pool: a few hundred ms not part of the drop).
  const warm0 = performance.now();
  await getRetention();
  await pruneRawEvents(new Date(now), days + 2);
  const warmMs = performance.now() - warm0;
  const p0 = performance.now();
  const out = await pruneRawEvents(new Date(now));
  const pruneMs = performance.now() - p0;
  const [{ n: after }] = (await client.query(`SELECT count(*)::int AS n FROM prediction_events`)).rows;
  console.log(`retention ${keep} days: dropped ${out.partitions.length} daily partitions (${before - after} events, cut ${out.cutoff}) in ${pruneMs.toFixed(0)} ms; ${after} events left (a first pass dropping nothing, on new connections: ${warmMs.toFixed(0)} ms)`);

  // The label join: labels name (model, id), not the partition, so each probes the key of every partition left.
  for (const [what, offset] of [["1,000 labels of stored predictions (10 days old)", 0], ["the same 1,000 labels again (duplicates)", 0], ["1,000 labels of predictions not stored (pending)", -1]] as const) {
    const ids = offset < 0
      ? Array.from({ length: 1000 }, (_, i) => ({ id: `missing-${i}` }))
      : (await client.query(`SELECT id FROM prediction_events WHERE model_id = $1 AND ts >= $2 ORDER BY ts LIMIT 1000`, [MODEL, new Date(now - 10 * DAY)])).rows;
    const items = ids.map((r: { id: string }, index: number) => ({ index, value: { model: MODEL, id: r.id, actual: "legit" } }));
    const l0 = performance.now();
    const res = await ingestLabels(items);
    console.log(`${what}: ${(performance.now() - l0).toFixed(0)} ms (matched ${res.matched}, pending ${res.pending}, duplicates ${res.duplicates}) across ${(await client.query(`SELECT count(*)::int AS n FROM pg_inherits WHERE inhparent = 'prediction_events'::regclass`)).rows[0].n} partitions`);
  }
  await client.end();
  await closeDb();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
