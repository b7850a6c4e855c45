-- Reference samples as json, the text as written (issue #14): written once per upload and read back whole; the
-- jsonb parse of ~20 samples of 100,000 values was the largest fixed cost of a reference upload (bench/reference).
-- AlterTable
ALTER TABLE "reference_samples" ALTER COLUMN "values" SET DATA TYPE JSON;
