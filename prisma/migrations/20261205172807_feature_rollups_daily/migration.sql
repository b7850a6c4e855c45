-- Feature rollups per UTC day: reads over whole days (the drift page's 1-day windows, quality over a week or a month)
-- take one row per day and version × segment instead of 24 hour rows.
-- CreateTable
CREATE TABLE "feature_rollups_daily" (
    "model_id" TEXT NOT NULL,
    "reference_id" BIGINT NOT NULL,
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "version" TEXT NOT NULL,
    "segment" TEXT NOT NULL,
    "data" JSONB NOT NULL,

    CONSTRAINT "feature_rollups_daily_pkey" PRIMARY KEY ("model_id","reference_id","bucket","version","segment")
);

-- Existing histories get their days from their hour rows (the write path keeps both from now on).
INSERT INTO "feature_rollups_daily" ("model_id", "reference_id", "bucket", "version", "segment", "data")
SELECT "model_id", "reference_id", date_trunc('day', "bucket", 'UTC'), "version", "segment", dw_merge_agg("data" ORDER BY "bucket")
FROM "feature_rollups" GROUP BY "model_id", "reference_id", date_trunc('day', "bucket", 'UTC'), "version", "segment";
