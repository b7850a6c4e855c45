-- CreateTable
CREATE TABLE "slos" (
    "model_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "target" DOUBLE PRECISION NOT NULL,
    "window_days" INTEGER NOT NULL,
    "threshold_ms" DOUBLE PRECISION,
    "position" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "slos_pkey" PRIMARY KEY ("model_id","name")
);

-- AddForeignKey
ALTER TABLE "slos" ADD CONSTRAINT "slos_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "models"("id") ON DELETE CASCADE ON UPDATE CASCADE;
