-- AlterTable
ALTER TABLE "rollups" ADD COLUMN     "n" BIGINT NOT NULL DEFAULT 0;

-- Existing rows get their count from their documents.
UPDATE "rollups" SET "n" = coalesce(("data" ->> 'n')::numeric, 0)::bigint;

-- Hour rows for all versions and segments together (version '', segment '*'), built from the existing hour rows;
-- from now on the write path maintains them.
CREATE AGGREGATE dw_merge_agg(jsonb) (SFUNC = dw_merge, STYPE = jsonb, INITCOND = '{}');
INSERT INTO "rollups" ("model_id", "level", "bucket", "version", "segment", "data", "n")
SELECT "model_id", 'h', "bucket", '', '*', dw_merge_agg("data"), sum("n")
FROM "rollups" WHERE "level" = 'h' GROUP BY "model_id", "bucket";
