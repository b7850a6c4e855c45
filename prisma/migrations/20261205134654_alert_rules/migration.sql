-- CreateTable
CREATE TABLE "alert_rules" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "model_id" TEXT,
    "metric" TEXT NOT NULL,
    "comparison" TEXT NOT NULL,
    "threshold" DOUBLE PRECISION NOT NULL,
    "window_seconds" INTEGER NOT NULL,
    "for_seconds" INTEGER NOT NULL DEFAULT 0,
    "min_samples" INTEGER NOT NULL DEFAULT 0,
    "severity" TEXT NOT NULL,
    "labels" JSONB NOT NULL DEFAULT '{}',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "is_default" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "alert_rules_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "alert_rules_model_id_idx" ON "alert_rules"("model_id");

-- AddForeignKey
ALTER TABLE "alert_rules" ADD CONSTRAINT "alert_rules_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "models"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Models that exist before this release get the default rules a new model gets (lib/alerts/rules/defaults.ts).
INSERT INTO "alert_rules" ("id", "name", "model_id", "metric", "comparison", "threshold", "window_seconds", "for_seconds", "min_samples", "severity", "is_default", "updated_at")
SELECT 'ar_' || substr(md5(m."id" || d."name" || random()::text), 1, 12), d."name", m."id", d."metric", d."comparison", d."threshold", d."window_seconds", d."for_seconds", d."min_samples", d."severity", true, CURRENT_TIMESTAMP
FROM "models" m
CROSS JOIN (VALUES
    ('HighLatencyP99', 'latency_p99', '>', 0.5::float8, 300, 300, 20, 'warning', false),
    ('HighErrorRate', 'error_rate', '>', 0.01::float8, 300, 0, 100, 'critical', false),
    ('NoRequests', 'requests', '<', 1::float8, 300, 0, 0, 'critical', false),
    ('FeatureDrift', 'drift_share', '>', 0.3::float8, 3600, 0, 0, 'warning', false),
    ('PredictionSkew', 'class_share', '>', 0.95::float8, 3600, 0, 100, 'warning', true),
    ('LowConfidence', 'confidence_p25', '<', 0.6::float8, 3600, 0, 100, 'warning', true),
    ('LowAccuracy', 'accuracy', '<', 0.9::float8, 86400, 0, 100, 'warning', true)
) AS d("name", "metric", "comparison", "threshold", "window_seconds", "for_seconds", "min_samples", "severity", "classifier_only")
WHERE NOT d."classifier_only" OR m."task" <> 'regression';
