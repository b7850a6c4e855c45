INSERT INTO models (id, name, task) SELECT 'm' || g, 'm' || g, 'binary_classification' FROM generate_series(0, 99) g;
INSERT INTO alert_rules (id, name, model_id, metric, comparison, threshold, window_seconds, for_seconds, min_samples, severity, is_default, updated_at)
  SELECT 'r' || g || '_' || k, 'Rule' || k, 'm' || g, 'error_rate', '>', 0.01, 300, 0, 0, CASE WHEN k % 2 = 0 THEN 'critical' ELSE 'warning' END, true, now()
  FROM generate_series(0, 99) g, generate_series(0, 6) k;
INSERT INTO alerts (rule_id, model_id, state, fingerprint, value, last_evaluated_at, active_at, fired_at)
  SELECT r.id, r.model_id, CASE WHEN right(r.id, 1)::int < 2 THEN 'firing' ELSE 'resolved' END, r.id, 0.02, now(), now() - interval '5 minutes', now() - interval '5 minutes' FROM alert_rules r;
-- m0: each alert flapped every 10 minutes for 90 days (firing 5 min, resolved 5 min): 12,960 transitions per alert
INSERT INTO alert_transitions (alert_id, at, "from", "to", value)
  SELECT a.id, now() - interval '90 days' + (s * interval '5 minutes'), CASE WHEN s % 2 = 0 THEN 'resolved' ELSE 'firing' END, CASE WHEN s % 2 = 0 THEN 'firing' ELSE 'resolved' END, 0.02
  FROM alerts a, generate_series(0, 25919) s WHERE a.model_id = 'm0';
-- the 99 others: 500 transitions per alert over the 90 days
INSERT INTO alert_transitions (alert_id, at, "from", "to", value)
  SELECT a.id, now() - interval '90 days' + (s * interval '259 minutes'), CASE WHEN s % 2 = 0 THEN 'resolved' ELSE 'firing' END, CASE WHEN s % 2 = 0 THEN 'firing' ELSE 'resolved' END, 0.02
  FROM alerts a, generate_series(0, 499) s WHERE a.model_id <> 'm0';
ANALYZE alerts; ANALYZE alert_transitions; ANALYZE alert_rules;
SELECT count(*) FROM alert_transitions;
