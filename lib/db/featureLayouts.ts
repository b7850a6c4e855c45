import { Prisma } from "./client";

/**
 * Raw events store their features without the key names (issue #15): `feature_values` is the JSON array of the
 * values in the order of a key list kept once in `feature_layouts`, and `layout_id` names that list. A layout is
 * never changed or deleted, and a new set or order of keys makes a new one, so an event's features read back as the
 * object it was sent as: the same keys in the same order, each value with its exact JSON text.
 */

/** A layout's key list as its JSON text: the signature the write path groups events by and the layouts table stores. */
export const layoutSignature = (features: Record<string, unknown>): string => JSON.stringify(Object.keys(features));

/** An event's feature values in its layout's order (the layout being Object.keys of the same object). */
export const layoutValues = (features: Record<string, unknown>): unknown[] => Object.values(features);

/**
 * The ids of the layouts of `signatures` (from layoutSignature), made when new: one statement, outside any
 * transaction (a layout is made once and kept whatever happens to the events that first used it). A layout made
 * concurrently by another writer after the statement's snapshot is not seen: that signature is looked up again.
 */
export async function layoutIds(query: (sql: Prisma.Sql) => Promise<{ id: number; keys: string }[]>, signatures: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  let missing = [...new Set(signatures)];
  for (let attempt = 0; missing.length > 0; attempt++) {
    if (attempt >= 5) throw new Error(`feature layouts not found after creating them: ${missing.length}`);
    const rows = await query(Prisma.sql`
      WITH input AS (
        SELECT k AS keys, sha256(convert_to(k, 'UTF8')) AS hash FROM unnest(${missing}::text[]) AS k
      ), made AS (
        INSERT INTO feature_layouts (hash, keys) SELECT hash, keys::json FROM input ORDER BY hash
        ON CONFLICT (hash) DO NOTHING RETURNING id, hash
      )
      SELECT coalesce(m.id, l.id) AS id, i.keys FROM input i
      LEFT JOIN made m ON m.hash = i.hash LEFT JOIN feature_layouts l ON l.hash = i.hash`);
    for (const r of rows) if (r.id !== null) out.set(r.keys, Number(r.id));
    missing = missing.filter((s) => !out.has(s));
  }
  return out;
}

/** A stored event's feature columns as SQL returns them. */
export type StoredFeatures = { layout_id: number; feature_values: unknown[] };

/**
 * Rebuilds each row's `features` object from its layout and values (one query for the layouts the rows use), and
 * drops the stored columns. `query` runs on the caller's connection or transaction.
 */
export async function withFeatures<T extends StoredFeatures>(
  rows: T[],
  query: (sql: Prisma.Sql) => Promise<{ id: number; keys: string[] }[]>,
): Promise<(Omit<T, keyof StoredFeatures> & { features: Record<string, unknown> })[]> {
  const ids = [...new Set(rows.map((r) => Number(r.layout_id)))];
  const layouts = new Map<number, string[]>();
  if (ids.length > 0) {
    for (const l of await query(Prisma.sql`SELECT id, keys FROM feature_layouts WHERE id = ANY(${ids}::int[])`)) layouts.set(Number(l.id), l.keys);
  }
  const out = rows as unknown as (Omit<T, keyof StoredFeatures> & { features: Record<string, unknown> } & Partial<StoredFeatures>)[];
  for (const r of out) {
    const keys = layouts.get(Number(r.layout_id));
    const values = r.feature_values!;
    if (!keys || keys.length !== values.length) throw new Error(`feature layout ${r.layout_id} missing or not matching its event's values`);
    const features: Record<string, unknown> = {};
    for (let k = 0; k < keys.length; k++) features[keys[k]] = values[k];
    r.features = features;
    delete r.layout_id;
    delete r.feature_values;
  }
  return out;
}
