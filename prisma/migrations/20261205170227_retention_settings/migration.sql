-- AlterTable
ALTER TABLE "models" ADD COLUMN     "raw_pruned_before" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "install_settings" (
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_by" TEXT,

    CONSTRAINT "install_settings_pkey" PRIMARY KEY ("key")
);
