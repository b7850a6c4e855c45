-- Raw prediction events partitioned by day on ts (issue #15; design and measurements in bench/partitions).
-- The primary key gains ts (a key of a partitioned table must hold the partition key): an event is identified
-- by (model, id, ts). Partitions are named prediction_events_pYYYYMMDD and cover one UTC day; there is no DEFAULT
-- partition. The retention pass (lib/retention/prune.ts) drops whole days; lib/retention/partitions.ts creates
-- them ahead and on demand through dw_ensure_event_partitions.

-- Creates the missing daily partitions for the given UTC days; returns how many it created. Creators (the
-- maintenance pass, a write meeting a new day, this migration) are serialised by an advisory lock, so two of them
-- never race on one name.
CREATE FUNCTION dw_ensure_event_partitions(days date[]) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  d date;
  made integer := 0;
  part text;
BEGIN
  PERFORM pg_advisory_xact_lock(72707415);
  FOR d IN SELECT DISTINCT x FROM unnest(days) AS x WHERE x IS NOT NULL ORDER BY x LOOP
    part := 'prediction_events_p' || to_char(d, 'YYYYMMDD');
    IF to_regclass(part) IS NULL THEN
      EXECUTE format('CREATE TABLE %I PARTITION OF prediction_events FOR VALUES FROM (%L) TO (%L)',
        part, (d::timestamp AT TIME ZONE 'UTC'), ((d + 1)::timestamp AT TIME ZONE 'UTC'));
      made := made + 1;
    END IF;
  END LOOP;
  RETURN made;
END $$;

ALTER TABLE "prediction_events" RENAME TO "prediction_events_unpartitioned";
ALTER TABLE "prediction_events_unpartitioned" RENAME CONSTRAINT "prediction_events_pkey" TO "prediction_events_unpartitioned_pkey";
ALTER INDEX "prediction_events_model_id_ts_idx" RENAME TO "prediction_events_unpartitioned_model_id_ts_idx";

-- CreateTable
CREATE TABLE "prediction_events" (
    "model_id" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "ts" TIMESTAMPTZ(3) NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "features" JSON NOT NULL,
    "prediction" JSON,
    "probabilities" JSON,
    "confidence" DOUBLE PRECISION,
    "latency_ms" DOUBLE PRECISION,
    "error_type" TEXT,
    "error_message" TEXT,
    "segments" JSON,

    CONSTRAINT "prediction_events_pkey" PRIMARY KEY ("model_id","id","ts")
) PARTITION BY RANGE ("ts");

-- CreateIndex
CREATE INDEX "prediction_events_model_id_ts_idx" ON "prediction_events"("model_id", "ts");

-- The existing events move into their days' partitions, in this migration's transaction (the app serves once
-- it is done; about a minute per few million events, see the README's upgrade notes).
SELECT dw_ensure_event_partitions(ARRAY(SELECT DISTINCT (ts AT TIME ZONE 'UTC')::date FROM "prediction_events_unpartitioned"));
INSERT INTO "prediction_events" SELECT * FROM "prediction_events_unpartitioned";

-- An install that already holds events was promised to keep them (its retention was "forever" by default): it
-- keeps that setting explicitly, so upgrading never deletes anything. New installs default to 30 days.
INSERT INTO "install_settings" ("key", "value", "updated_by")
SELECT 'rawEventRetentionDays', 'null'::jsonb, 'upgrade'
WHERE EXISTS (SELECT 1 FROM "prediction_events_unpartitioned")
ON CONFLICT ("key") DO NOTHING;

DROP TABLE "prediction_events_unpartitioned";
