import "server-only";
import { Prisma, rawQuery } from "../db/client";
import { type Doc, mergeInto } from "../rollups/documents";
import { seriesMetricWhere } from "./fetchRollups";
import { touch, trim } from "./lru";
import type { ReadQuery } from "./params";

/**
 * A metrics series' merged bucket documents, kept in memory between requests and checked against the database on
 * every read. Summing a long series costs its rows, not its buckets: 30 days at 6 h read 720 full hour documents
 * (2.6 MB of JSON at 10M events) to make 120 buckets, and 24 h at 15 min ~8,000 minute rows, on every page view,
 * though only the last hours change. Each bucket's stamp is the physical row versions (ctid, xmin) of the rows it
 * sums: PostgreSQL writes a new row version on every update, so a late event or label, a new row or a deleted one
 * changes the stamp and that bucket is read and summed again — exactly the rows fetchMetricRollups would read, so
 * the numbers are the same. The stamps cost one small query that reads no document (the overview's hourly drift
 * cache stamps its hours the same way). Entries are evicted oldest-used first beyond MAX_ENTRIES.
 */
const MAX_ENTRIES = 4_000;
type Entry = { stamp: string; doc: Readonly<Doc> };
const g = globalThis as unknown as { __driftwatchSeriesDocs?: Map<string, Entry> };

/** The series' documents by bucket start (buckets without rows are absent), as mergeByKey of its rows gives them. */
export async function seriesMetricDocs(model: string, q: ReadQuery & { stepMs: number }): Promise<Map<number, Readonly<Doc>>> {
  const cache = (g.__driftwatchSeriesDocs ??= new Map());
  const where = seriesMetricWhere(model, q);
  const stepS = q.stepMs / 1000;
  // bucket starts on multiples of the step since the epoch, as bucketOf places them
  const bucketSql = Prisma.sql`(floor(extract(epoch FROM bucket) / ${stepS}::int8) * ${stepS}::int8)::float8 * 1000`;
  const stamps = await rawQuery<{ b: number; stamp: string }>(Prisma.sql`
    SELECT ${bucketSql} AS b, md5(string_agg(ctid::text || xmin::text, ',' ORDER BY ctid)) AS stamp
    FROM rollups WHERE ${where} GROUP BY 1`);
  const keyOf = (b: number) => JSON.stringify([model, q.version, Object.entries(q.segments).sort(), q.stepMs, b]);
  const out = new Map<number, Readonly<Doc>>();
  const stale = new Map<number, string>();
  for (const { b, stamp } of stamps) {
    const k = keyOf(Number(b));
    const hit = cache.get(k);
    if (hit && hit.stamp === stamp) {
      touch(cache, k, hit);
      out.set(Number(b), hit.doc);
    } else stale.set(Number(b), stamp);
  }
  if (stale.size) {
    const first = Math.min(...stale.keys());
    const last = Math.max(...stale.keys()) + q.stepMs;
    const rows = await rawQuery<{ bucket: Date; data: Doc }>(Prisma.sql`
      SELECT bucket, data FROM rollups WHERE ${where} AND bucket >= ${new Date(first)} AND bucket < ${new Date(last)}`);
    const fresh = new Map<number, Doc>();
    for (const r of rows) {
      const b = Math.floor(r.bucket.getTime() / q.stepMs) * q.stepMs;
      if (!stale.has(b)) continue; // a bucket between two stale ones that did not change
      const doc = fresh.get(b);
      if (doc) mergeInto(doc, r.data);
      else fresh.set(b, r.data);
    }
    for (const [b, doc] of fresh) {
      // frozen: shared by every later request, so no reader may add into it
      const entry = { stamp: stale.get(b)!, doc: Object.freeze(doc) };
      touch(cache, keyOf(b), entry);
      out.set(b, entry.doc);
    }
    trim(cache, MAX_ENTRIES);
  }
  return out;
}
