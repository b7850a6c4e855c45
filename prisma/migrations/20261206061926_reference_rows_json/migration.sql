-- Reference rows as json, without the foreign key (issue #14: a 100,000-row upload within 2 s). What PostgreSQL
-- spent a row of COPY into reference_rows (bench/reference/copy-costs.ts): 10.8 µs as it was, 7.5 µs without the
-- foreign key, 3.4 µs with json instead of jsonb. The rows are written once and read back whole (re-binning, the
-- window reference's profile) or by `->` (store.ts binSpilled): json has both, keeps the text as written, and the
-- cast from jsonb below writes the existing rows as jsonb printed them (the same values, the same key order).

-- The foreign key checked every row against reference_sets (a lookup and a KEY SHARE lock a row). What it gave,
-- kept another way:
-- * a row's set exists when the row is written: the only writers (lib/models/references/upload.ts, the upload's
--   batches and the window reference) lock their set FOR KEY SHARE, and fail if it is gone, in the transaction
--   that writes the rows, so the set cannot be deleted before they commit (the lock the check took, once a batch);
-- * deleting a set deletes its rows (ON DELETE CASCADE, also when a model's deletion cascades to its sets): the
--   trigger below, once a statement;
-- * reference_sets.id is never updated (ON UPDATE CASCADE had nothing to do).
-- DropForeignKey
ALTER TABLE "reference_rows" DROP CONSTRAINT "reference_rows_reference_id_fkey";

-- AlterTable
ALTER TABLE "reference_rows" ALTER COLUMN "features" SET DATA TYPE JSON,
ALTER COLUMN "prediction" SET DATA TYPE JSON,
ALTER COLUMN "actual" SET DATA TYPE JSON;

CREATE FUNCTION dw_delete_reference_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- = ANY of the ids: one index scan of the primary key (reference_id, row_no) per set, as the cascade did
  DELETE FROM reference_rows WHERE reference_id = ANY (ARRAY(SELECT id FROM removed_sets));
  RETURN NULL;
END $$;

CREATE TRIGGER reference_sets_delete_rows AFTER DELETE ON reference_sets
  REFERENCING OLD TABLE AS removed_sets FOR EACH STATEMENT EXECUTE FUNCTION dw_delete_reference_rows();

-- A reference's samples (~20 of up to 100,000 values, ~0.8 MB of JSON each) are stored as they are, not
-- compressed: pglz took about half of the server's CPU for them (0.3–0.4 s of a 100,000-row upload, on the
-- upload's path), for about twice the space (~16 MB a reference). Rows stored before keep their compression.
ALTER TABLE "reference_samples" ALTER COLUMN "values" SET STORAGE EXTERNAL;
