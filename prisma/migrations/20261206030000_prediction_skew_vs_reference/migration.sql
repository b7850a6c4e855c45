-- The default PredictionSkew rule compared the top class's share with 0.95, so a model whose top class is 97 % by
-- nature (a fraud classifier) fired all the time. It now watches class_share_shift: the largest rise of a class's
-- share over its share in the model's reference, above 0.2 (lib/alerts/rules/defaults.ts). Stored default rules
-- still as they were created move over; a rule someone edited (other metric, comparison or threshold) is theirs and
-- stays. Their alerts are judged by the new metric from the next cycle on (a firing one resolves there).
UPDATE "alert_rules"
SET "metric" = 'class_share_shift', "threshold" = 0.2, "updated_at" = now()
WHERE "is_default" AND "name" = 'PredictionSkew' AND "metric" = 'class_share' AND "comparison" = '>' AND "threshold" = 0.95;
