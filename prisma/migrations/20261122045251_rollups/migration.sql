-- AlterTable
ALTER TABLE "labels" ADD COLUMN     "prev_actual" JSONB;

-- AlterTable
ALTER TABLE "reference_sets" ADD COLUMN     "profile" JSONB;

-- CreateTable
CREATE TABLE "reference_samples" (
    "reference_id" BIGINT NOT NULL,
    "name" TEXT NOT NULL,
    "values" JSONB NOT NULL,

    CONSTRAINT "reference_samples_pkey" PRIMARY KEY ("reference_id","name")
);

-- CreateTable
CREATE TABLE "rollups" (
    "model_id" TEXT NOT NULL,
    "level" TEXT NOT NULL,
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "version" TEXT NOT NULL,
    "segment" TEXT NOT NULL,
    "data" JSONB NOT NULL,

    CONSTRAINT "rollups_pkey" PRIMARY KEY ("model_id","level","bucket","version","segment")
);

-- CreateTable
CREATE TABLE "feature_rollups" (
    "model_id" TEXT NOT NULL,
    "reference_id" BIGINT NOT NULL,
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "version" TEXT NOT NULL,
    "segment" TEXT NOT NULL,
    "data" JSONB NOT NULL,

    CONSTRAINT "feature_rollups_pkey" PRIMARY KEY ("model_id","reference_id","bucket","version","segment")
);

-- AddForeignKey
ALTER TABLE "reference_samples" ADD CONSTRAINT "reference_samples_reference_id_fkey" FOREIGN KEY ("reference_id") REFERENCES "reference_sets"("id") ON DELETE CASCADE ON UPDATE CASCADE;
-- Merges two rollup documents (flat JSON maps key -> number, lib/rollups/format.ts): values add key by key,
-- except keys ending in U+001F "min" / "max", which keep the smaller / larger value. Used by the write path's
-- upserts so that concurrent writers merge into one row without reading it first.
CREATE OR REPLACE FUNCTION dw_merge(a jsonb, b jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(jsonb_object_agg(key, v), '{}'::jsonb)
  FROM (
    SELECT key,
           CASE
             WHEN right(key, 4) = chr(31) || 'min' THEN to_jsonb(min((value #>> '{}')::float8))
             WHEN right(key, 4) = chr(31) || 'max' THEN to_jsonb(max((value #>> '{}')::float8))
             ELSE to_jsonb(sum((value #>> '{}')::numeric))
           END AS v
    FROM (SELECT * FROM jsonb_each(coalesce(a, '{}'::jsonb)) UNION ALL SELECT * FROM jsonb_each(coalesce(b, '{}'::jsonb))) e
    GROUP BY key
  ) s
$$;
