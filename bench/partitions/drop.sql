\timing on
BEGIN;
DO $$ BEGIN FOR d IN 0..29 LOOP EXECUTE format('DROP TABLE ev_c_%s', d); END LOOP; END $$;
COMMIT;
\timing off
SELECT count(*) FROM ev_c;
