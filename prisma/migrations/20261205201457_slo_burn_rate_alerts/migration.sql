/*
  Warnings:

  - A unique constraint covering the columns `[model_id,slo,burn_window]` on the table `alerts` will be added. If there are existing duplicate values, this will fail.

*/
-- AlterTable
ALTER TABLE "alerts" ADD COLUMN     "burn_window" TEXT,
ADD COLUMN     "slo" TEXT,
ALTER COLUMN "rule_id" DROP NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "alerts_model_id_slo_burn_window_key" ON "alerts"("model_id", "slo", "burn_window");

-- An alert comes from exactly one source: a rule, or an SLO's burn-rate row (its name and windows).
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_one_source" CHECK (("rule_id" IS NULL) = ("slo" IS NOT NULL AND "burn_window" IS NOT NULL));
