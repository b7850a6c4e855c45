-- bench/partitions: four layouts of raw prediction events (see README.md). ev_a is today's table.
CREATE SEQUENCE batches;
CREATE TABLE ev_a (model_id text NOT NULL, id text NOT NULL, version text NOT NULL, ts timestamptz(3) NOT NULL, received_at timestamptz(3) NOT NULL DEFAULT now(),
  features json NOT NULL, prediction json, probabilities json, confidence float8, latency_ms float8, error_type text, error_message text, segments json,
  PRIMARY KEY (model_id, id));
CREATE INDEX ON ev_a (model_id, ts);
CREATE TABLE ev_b (LIKE ev_a INCLUDING DEFAULTS) PARTITION BY RANGE (ts);
ALTER TABLE ev_b ADD PRIMARY KEY (model_id, id, ts);
CREATE INDEX ON ev_b (model_id, ts);
CREATE TABLE ev_ids (model_id text NOT NULL, id text NOT NULL, ts timestamptz(3) NOT NULL, PRIMARY KEY (model_id, id));
CREATE TABLE ev_c (LIKE ev_a INCLUDING DEFAULTS) PARTITION BY RANGE (ts);
ALTER TABLE ev_c ADD PRIMARY KEY (model_id, id, ts);
CREATE INDEX ON ev_c (model_id, ts);
CREATE TABLE ev_d (LIKE ev_a INCLUDING DEFAULTS) PARTITION BY RANGE (ts);
CREATE INDEX ON ev_d (model_id, ts);
CREATE TABLE ev_ids_d (model_id text NOT NULL, id text NOT NULL, ts timestamptz(3) NOT NULL, PRIMARY KEY (model_id, id));
DO $$ BEGIN
  FOR d IN 0..69 LOOP
    EXECUTE format('CREATE TABLE ev_d_%s PARTITION OF ev_d FOR VALUES FROM (%L) TO (%L)', d, timestamptz '2026-10-01' + d * interval '1 day', timestamptz '2026-10-01' + (d+1) * interval '1 day');
    EXECUTE format('CREATE TABLE ev_b_%s PARTITION OF ev_b FOR VALUES FROM (%L) TO (%L)', d, timestamptz '2026-10-01' + d * interval '1 day', timestamptz '2026-10-01' + (d+1) * interval '1 day');
    EXECUTE format('CREATE TABLE ev_c_%s PARTITION OF ev_c FOR VALUES FROM (%L) TO (%L)', d, timestamptz '2026-10-01' + d * interval '1 day', timestamptz '2026-10-01' + (d+1) * interval '1 day');
  END LOOP;
END $$;
