import "server-only";
import { Prisma, rawQuery } from "../db/client";
import { type Doc, mergeInto } from "../rollups/documents";
import { touch, trim } from "./lru";

/**
 * Feature rollup rows (hourly `feature_rollups` and daily `feature_rollups_daily`) with their documents kept in
 * memory between requests. A feature document is ~11 kB of JSON at 20 features: the 30-day model page's quality
 * table read ~140 daily documents (1.6 MB) on every view, and the time went to PostgreSQL turning them into text
 * and Node parsing them, not to finding the rows, though only the newest day's rows change.
 *
 * Each row is known by its physical row version — table, `ctid` and `xmin` — which PostgreSQL replaces on every
 * update (a late event, a late label folding into an hour, a new version's rows), so a cached document is the
 * document of exactly that row version. The read is ONE statement: it returns every matching row's bucket, version
 * and version key, and its document only when the key is not among the ones this process holds for the model —
 * one snapshot, so a row updated meanwhile can never be missed or read twice. Same rows, same order, same numbers
 * as reading every document (seriesMetricDocs does the same for metrics series with a stamp per bucket).
 *
 * The cache holds one entry per logical row (table, reference, bucket, version, segment): a new version of a row
 * replaces the old one at once. Keyed by row version alone, the current hour's and day's rows left a stale ~11 kB
 * document behind on every update, and under steady ingest the cache filled to its bound with documents nobody
 * would ask for again (the soak's heap grew ~20 MB a minute). Entries are evicted oldest-used first beyond
 * MAX_ENTRIES.
 */
const MAX_ENTRIES = 3_000;
/** `key`: the row version the document belongs to. */
type Entry = { model: string; key: string; data: Readonly<Doc> };
const g = globalThis as unknown as { __driftwatchFeatureRowDocs?: Map<string, Entry> };

/** `key`: the row version (table oid, ctid, xmin), the same for the same row until it is updated. */
export type FeatureRow = { bucket: Date; version: string; key: string; data: Readonly<Doc> };

/** The process's cached row versions (tests: how many were read from the database by the last call). */
export const featureRowDocsStats = { lastFetched: 0, lastCached: 0 };

/** How many rows of the model this process holds documents for (tests: one per logical row, however often updated). */
export function cachedFeatureRows(model: string): number {
  let n = 0;
  for (const e of g.__driftwatchFeatureRowDocs?.values() ?? []) if (e.model === model) n++;
  return n;
}

/** Forgets every cached document (tests: a read with nothing cached, to compare with). */
export function clearFeatureRowDocs() {
  g.__driftwatchFeatureRowDocs?.clear();
  gs.__driftwatchFeatureRowSums?.clear();
}

/**
 * `SELECT bucket, version, data FROM <table> WHERE <where>` for feature rollup tables, each part of the union a
 * table and its condition (rows in the order PostgreSQL returns them), with documents served from the cache.
 * The documents are frozen and shared: callers must not change them.
 */
export async function featureRowDocs(model: string, parts: { table: "feature_rollups" | "feature_rollups_daily"; where: Prisma.Sql }[]): Promise<FeatureRow[]> {
  if (parts.length === 0) return [];
  const cache = (g.__driftwatchFeatureRowDocs ??= new Map());
  // by row version; held here, not looked up after the await: a concurrent request may evict entries meanwhile
  const known = new Map<string, Entry>();
  for (const e of cache.values()) if (e.model === model) known.set(e.key, e);
  const keys = [...known.keys()];
  const tableSql = Prisma.raw(`tableoid::int8::text`);
  const rowKey = Prisma.raw(`tableoid::int8::text || ':' || ctid::text || ':' || xmin::text`);
  const selects = parts.map(
    (p) => Prisma.sql`
      SELECT bucket, version, ${tableSql} AS t, reference_id::text AS ref, segment, ${rowKey} AS k,
        CASE WHEN ${rowKey} = ANY(${keys}::text[]) THEN NULL ELSE data END AS data
      FROM ${Prisma.raw(p.table)} WHERE ${p.where}`,
  );
  const rows = await rawQuery<{ bucket: Date; version: string; t: string; ref: string; segment: string; k: string; data: Doc | null }>(
    Prisma.join(selects, " UNION ALL "),
  );
  const out: FeatureRow[] = [];
  let fetched = 0;
  for (const r of rows) {
    // the logical row: its primary key (the model is the caller's) and the table, a partition of its own
    const slot = JSON.stringify([model, r.t, r.ref, r.bucket.getTime(), r.version, r.segment]);
    let entry = known.get(r.k);
    if (r.data !== null) {
      fetched++;
      entry = { model, key: r.k, data: Object.freeze(r.data) };
    } else if (!entry) throw new Error(`feature rollup row ${r.k} came back without its document and is not cached`);
    touch(cache, slot, entry);
    out.push({ bucket: r.bucket, version: r.version, key: r.k, data: entry.data });
  }
  featureRowDocsStats.lastFetched = fetched;
  featureRowDocsStats.lastCached = rows.length - fetched;
  trim(cache, MAX_ENTRIES);
  return out;
}

const MAX_SUMS = 100;
const gs = globalThis as unknown as { __driftwatchFeatureRowSums?: Map<string, Readonly<Doc>> };

/**
 * The sum of the rows' documents (mergeInto in their order), kept for the same row versions in the same order: a
 * 30-day window adds ~140 documents of ~500 keys each (tens of ms on a loaded machine) that are the same from one
 * request to the next but for the newest day's. The result is the caller's own (a copy).
 */
export function sumOfRows(model: string, rows: readonly FeatureRow[]): Doc {
  const sums = (gs.__driftwatchFeatureRowSums ??= new Map());
  const k = model + "\n" + rows.map((r) => r.key).join(" ");
  let sum = sums.get(k);
  if (!sum) {
    const doc: Doc = {};
    for (const r of rows) mergeInto(doc, r.data);
    sum = Object.freeze(doc);
  }
  touch(sums, k, sum);
  trim(sums, MAX_SUMS);
  return { ...sum };
}
