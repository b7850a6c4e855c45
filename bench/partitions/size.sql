SELECT t, pg_size_pretty(s), round(s::numeric / (SELECT count(*) FROM ev_a)) AS bytes_per_event FROM (
 SELECT 'a (today)' t, pg_total_relation_size('ev_a') s
 UNION ALL SELECT 'c partitioned, pk(model,id,ts)', (SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree('ev_c'))
 UNION ALL SELECT 'b partitioned + ids', (SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree('ev_b')) + pg_total_relation_size('ev_ids')
 UNION ALL SELECT 'b ids table alone', pg_total_relation_size('ev_ids')
 UNION ALL SELECT 'd partitioned no pk + ids', (SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree('ev_d')) + pg_total_relation_size('ev_ids_d')
 UNION ALL SELECT 'a heap', pg_relation_size('ev_a') UNION ALL SELECT 'a pkey', pg_relation_size('ev_a_pkey') UNION ALL SELECT 'a ts idx', pg_relation_size('ev_a_model_id_ts_idx')
) x;
