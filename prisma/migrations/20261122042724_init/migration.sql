-- CreateTable
CREATE TABLE "models" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "task" TEXT NOT NULL,
    "positive_class" TEXT,
    "classes" JSONB NOT NULL DEFAULT '[]',
    "drift_settings" JSONB NOT NULL DEFAULT '{}',
    "windows" JSONB NOT NULL DEFAULT '{}',
    "auto_registered" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "models_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "model_versions" (
    "model_id" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "first_seen" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "model_versions_pkey" PRIMARY KEY ("model_id","version")
);

-- CreateTable
CREATE TABLE "features" (
    "model_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "min" DOUBLE PRECISION,
    "max" DOUBLE PRECISION,
    "allowed" JSONB,
    "importance" DOUBLE PRECISION,
    "inferred" BOOLEAN NOT NULL DEFAULT false,
    "position" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "features_pkey" PRIMARY KEY ("model_id","name")
);

-- CreateTable
CREATE TABLE "prediction_events" (
    "model_id" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "ts" TIMESTAMPTZ(3) NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "features" JSONB NOT NULL,
    "prediction" JSONB,
    "probabilities" JSONB,
    "confidence" DOUBLE PRECISION,
    "latency_ms" DOUBLE PRECISION,
    "error_type" TEXT,
    "error_message" TEXT,
    "segments" JSONB,

    CONSTRAINT "prediction_events_pkey" PRIMARY KEY ("model_id","id")
);

-- CreateTable
CREATE TABLE "labels" (
    "model_id" TEXT NOT NULL,
    "prediction_id" TEXT NOT NULL,
    "actual" JSONB NOT NULL,
    "ts" TIMESTAMPTZ(3) NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revision" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "labels_pkey" PRIMARY KEY ("model_id","prediction_id")
);

-- CreateTable
CREATE TABLE "reference_sets" (
    "id" BIGSERIAL NOT NULL,
    "model_id" TEXT NOT NULL,
    "version" TEXT NOT NULL DEFAULT '',
    "status" TEXT NOT NULL DEFAULT 'loading',
    "row_count" INTEGER NOT NULL DEFAULT 0,
    "source" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "reference_sets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "reference_rows" (
    "reference_id" BIGINT NOT NULL,
    "row_no" INTEGER NOT NULL,
    "features" JSONB NOT NULL,
    "prediction" JSONB,
    "actual" JSONB,

    CONSTRAINT "reference_rows_pkey" PRIMARY KEY ("reference_id","row_no")
);

-- CreateTable
CREATE TABLE "api_keys" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "scopes" TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "prediction_events_model_id_ts_idx" ON "prediction_events"("model_id", "ts");

-- CreateIndex
CREATE INDEX "reference_sets_model_id_version_status_idx" ON "reference_sets"("model_id", "version", "status");

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_prefix_key" ON "api_keys"("prefix");

-- AddForeignKey
ALTER TABLE "model_versions" ADD CONSTRAINT "model_versions_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "models"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "features" ADD CONSTRAINT "features_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "models"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reference_sets" ADD CONSTRAINT "reference_sets_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "models"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reference_rows" ADD CONSTRAINT "reference_rows_reference_id_fkey" FOREIGN KEY ("reference_id") REFERENCES "reference_sets"("id") ON DELETE CASCADE ON UPDATE CASCADE;
