-- Raw events store their features without the key names (issue #15: at most half the bytes per event). An event's
-- features become `feature_values`, the JSON array of its values in the order of a key list kept once in
-- `feature_layouts` (`layout_id`); readers rebuild the object (lib/db/featureLayouts.ts). Every value keeps its
-- exact JSON text, so every raw value reads back as sent. The fixed-width columns move to the front of the row,
-- where they need no alignment padding. Existing events are rewritten into a new partitioned table, partition by
-- partition, in this migration's transaction (see the README's upgrade notes for its speed).

-- CreateTable
CREATE TABLE "feature_layouts" (
    "id" SERIAL NOT NULL,
    "hash" BYTEA NOT NULL,
    "keys" JSON NOT NULL,

    CONSTRAINT "feature_layouts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "feature_layouts_hash_key" ON "feature_layouts"("hash");

-- An event's features as the object it was sent as, from its layout and values (for SQL readers, e.g. a reference
-- made from a window; the hot readers rebuild it in the app). Keys in layout order, values as stored.
CREATE FUNCTION dw_event_features(layout integer, vals json) RETURNS json LANGUAGE sql STABLE AS $$
  SELECT coalesce(json_object_agg(k.key, v.value ORDER BY k.n), '{}'::json)
  FROM json_array_elements_text((SELECT keys FROM feature_layouts WHERE id = layout)) WITH ORDINALITY AS k(key, n)
  JOIN json_array_elements(vals) WITH ORDINALITY AS v(value, n) ON v.n = k.n
$$;

-- The old table and its partitions step aside (their names are taken by the new ones).
ALTER TABLE "prediction_events" RENAME TO "prediction_events_v1";
ALTER INDEX "prediction_events_pkey" RENAME TO "prediction_events_v1_pkey";
ALTER INDEX "prediction_events_model_id_ts_idx" RENAME TO "prediction_events_v1_model_id_ts_idx";
DO $$
DECLARE
  p text;
  i text;
BEGIN
  FOR p IN SELECT c.relname FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid WHERE h.inhparent = 'prediction_events_v1'::regclass LOOP
    FOR i IN SELECT ic.relname FROM pg_index x JOIN pg_class ic ON ic.oid = x.indexrelid WHERE x.indrelid = p::regclass LOOP
      EXECUTE format('ALTER INDEX %I RENAME TO %I', i, left(i, 59) || '_v1');
    END LOOP;
    EXECUTE format('ALTER TABLE %I RENAME TO %I', p, p || '_v1');
  END LOOP;
END $$;

-- CreateTable
CREATE TABLE "prediction_events" (
    "ts" TIMESTAMPTZ(3) NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "confidence" DOUBLE PRECISION,
    "latency_ms" DOUBLE PRECISION,
    "layout_id" INTEGER NOT NULL,
    "model_id" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "feature_values" JSON NOT NULL,
    "prediction" JSON,
    "probabilities" JSON,
    "error_type" TEXT,
    "error_message" TEXT,
    "segments" JSON,

    CONSTRAINT "prediction_events_pkey" PRIMARY KEY ("model_id","id","ts")
) PARTITION BY RANGE ("ts");

-- CreateIndex
CREATE INDEX "prediction_events_model_id_ts_idx" ON "prediction_events"("model_id", "ts");

-- The same days' partitions.
SELECT dw_ensure_event_partitions(ARRAY(
  SELECT to_date(substr(c.relname, 20, 8), 'YYYYMMDD') FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid
  WHERE h.inhparent = 'prediction_events_v1'::regclass));

-- Each distinct key list once (its JSON text built as the write path's JSON.stringify builds it; a list written
-- differently would only make a second layout of the same keys), then the events with their values. Keys and
-- values of an event are aggregated side by side in one pass over its json_each, so they stay paired.
INSERT INTO "feature_layouts" ("hash", "keys")
SELECT sha256(convert_to(s.keys, 'UTF8')), s.keys::json FROM (
  SELECT '[' || coalesce((SELECT string_agg(to_json(k.name)::text, ',' ORDER BY k.n) FROM unnest(d.names) WITH ORDINALITY AS k(name, n)), '') || ']' AS keys
  FROM (SELECT DISTINCT ARRAY(SELECT json_object_keys(e.features)) AS names FROM "prediction_events_v1" e) d) s
ORDER BY s.keys;

INSERT INTO "prediction_events" ("ts", "received_at", "confidence", "latency_ms", "layout_id", "model_id", "id", "version", "feature_values", "prediction", "probabilities", "error_type", "error_message", "segments")
SELECT e.ts, e.received_at, e.confidence, e.latency_ms, l.id, e.model_id, e.id, e.version, f.vals::json, e.prediction, e.probabilities, e.error_type, e.error_message, e.segments
FROM "prediction_events_v1" e
CROSS JOIN LATERAL (
  SELECT '[' || coalesce(string_agg(to_json(j.key)::text, ','), '') || ']' AS keys,
         '[' || coalesce(string_agg(j.value::text, ','), '') || ']' AS vals
  FROM json_each(e.features) AS j(key, value)) f
JOIN "feature_layouts" l ON l.hash = sha256(convert_to(f.keys, 'UTF8'));

-- Every event made it across (the migration fails, leaving the database as it was, rather than lose one).
DO $$
DECLARE
  was bigint := (SELECT count(*) FROM "prediction_events_v1");
  now_ bigint := (SELECT count(*) FROM "prediction_events");
BEGIN
  IF was <> now_ THEN
    RAISE EXCEPTION 'feature_layouts: % of % events rewritten', now_, was;
  END IF;
END $$;

DROP TABLE "prediction_events_v1";
