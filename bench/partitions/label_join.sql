CREATE TEMP TABLE l AS SELECT model_id, id FROM ev_a TABLESAMPLE SYSTEM (1) LIMIT 1000;
CREATE TEMP TABLE lc AS SELECT model_id, id FROM ev_c TABLESAMPLE SYSTEM (1) LIMIT 1000;
ANALYZE l; ANALYZE lc;
\timing on
SELECT count(*) FROM l JOIN ev_a p USING (model_id, id);
SELECT count(*) FROM l JOIN ev_a p USING (model_id, id);
SELECT count(*) FROM lc JOIN ev_c p USING (model_id, id);
SELECT count(*) FROM lc JOIN ev_c p USING (model_id, id);
SET enable_hashjoin = off; SET enable_mergejoin = off;
SELECT count(*) FROM lc JOIN ev_c p USING (model_id, id);
\timing off
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) SELECT count(*) FROM lc JOIN ev_c p USING (model_id, id);
