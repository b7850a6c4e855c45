-- All-time totals per model and version: rollup rows of level 't' (bucket epoch 0, segment '*'), which the write
-- path now keeps in the same transaction as the minute and hour rows. Prometheus counters read them, one row per
-- version, instead of summing every hour row on each scrape. Existing histories get theirs from their hour rows.
-- (Level 'r', label contributions that corrections take back, starts empty: earlier corrections are not known.)
INSERT INTO "rollups" ("model_id", "level", "bucket", "version", "segment", "data", "n")
SELECT "model_id", 't', to_timestamp(0), "version", '*', dw_merge_agg("data"), sum("n")
FROM "rollups" WHERE "level" = 'h' AND "version" <> '' GROUP BY "model_id", "version"
ON CONFLICT ("model_id", "level", "bucket", "version", "segment") DO NOTHING;
