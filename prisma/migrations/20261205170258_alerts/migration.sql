-- CreateTable
CREATE TABLE "alerts" (
    "id" BIGSERIAL NOT NULL,
    "rule_id" TEXT NOT NULL,
    "model_id" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "labels" JSONB NOT NULL DEFAULT '{}',
    "value" DOUBLE PRECISION,
    "samples" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "active_at" TIMESTAMPTZ(3),
    "fired_at" TIMESTAMPTZ(3),
    "resolved_at" TIMESTAMPTZ(3),
    "last_evaluated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "alerts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_transitions" (
    "id" BIGSERIAL NOT NULL,
    "alert_id" BIGINT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "from" TEXT NOT NULL,
    "to" TEXT NOT NULL,
    "value" DOUBLE PRECISION,

    CONSTRAINT "alert_transitions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_evaluator" (
    "id" INTEGER NOT NULL,
    "last_cycle" TIMESTAMPTZ(3),
    "holder" TEXT,
    "lease_until" TIMESTAMPTZ(3),

    CONSTRAINT "alert_evaluator_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "alerts_model_id_idx" ON "alerts"("model_id");

-- CreateIndex
CREATE INDEX "alerts_state_idx" ON "alerts"("state");

-- CreateIndex
CREATE UNIQUE INDEX "alerts_rule_id_model_id_key" ON "alerts"("rule_id", "model_id");

-- CreateIndex
CREATE INDEX "alert_transitions_alert_id_at_idx" ON "alert_transitions"("alert_id", "at");

-- AddForeignKey
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_rule_id_fkey" FOREIGN KEY ("rule_id") REFERENCES "alert_rules"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "models"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_transitions" ADD CONSTRAINT "alert_transitions_alert_id_fkey" FOREIGN KEY ("alert_id") REFERENCES "alerts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The evaluator lease is one row (lib/alerts/evaluate/cycle.ts claims it per cycle).
INSERT INTO "alert_evaluator" ("id") VALUES (1);
