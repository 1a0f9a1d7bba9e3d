-- Training runs (#10): every rollout's training step and group on trajectories (null for a trajectory
-- without "training": nothing to backfill), per-group and per-(step, model) rollups, and the ingest
-- event log of the live view. Existing rows are untouched; the new tables start empty, as no stored
-- trajectory has a training step.

-- AlterTable
ALTER TABLE "trajectories" ADD COLUMN     "training_group" TEXT,
ADD COLUMN     "training_step" INTEGER;

-- CreateTable
CREATE TABLE "training_groups" (
    "pk" SERIAL NOT NULL,
    "run_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "query_id" TEXT NOT NULL,
    "step" INTEGER NOT NULL,
    "rollouts" INTEGER NOT NULL DEFAULT 0,
    "correct" INTEGER NOT NULL DEFAULT 0,
    "sum_cost_usd" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "sum_process" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "n_process" INTEGER NOT NULL DEFAULT 0,
    "sum_cost_ratio" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "ref_correct" BOOLEAN NOT NULL,
    "ref_process" DOUBLE PRECISION NOT NULL,
    "ref_cost_ratio" DOUBLE PRECISION NOT NULL,
    "same_process" INTEGER NOT NULL DEFAULT 0,
    "same_cost_ratio" INTEGER NOT NULL DEFAULT 0,
    "dev_process" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "dev_cost_ratio" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "dev_process_sq" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "dev_cost_ratio_sq" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "dev_outcome_process" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "dev_outcome_cost_ratio" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "dev_process_cost_ratio" DOUBLE PRECISION NOT NULL DEFAULT 0,

    CONSTRAINT "training_groups_pkey" PRIMARY KEY ("pk")
);

-- CreateTable
CREATE TABLE "training_step_models" (
    "run_id" TEXT NOT NULL,
    "step" INTEGER NOT NULL,
    "model" TEXT NOT NULL,
    "steps" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "training_step_models_pkey" PRIMARY KEY ("run_id","step","model")
);

-- CreateTable
CREATE TABLE "ingest_events" (
    "id" BIGSERIAL NOT NULL,
    "run_id" TEXT NOT NULL,
    "steps" INTEGER[],
    "rollouts" INTEGER NOT NULL,
    "trajectories" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ingest_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "training_groups_run_id_step_idx" ON "training_groups"("run_id", "step");

-- CreateIndex
CREATE UNIQUE INDEX "training_groups_run_id_name_key" ON "training_groups"("run_id", "name");

-- CreateIndex
CREATE INDEX "ingest_events_run_id_id_idx" ON "ingest_events"("run_id", "id");

-- CreateIndex
CREATE INDEX "trajectories_run_id_training_step_pk_idx" ON "trajectories"("run_id", "training_step", "pk");

-- CreateIndex
CREATE INDEX "trajectories_run_id_training_group_idx" ON "trajectories"("run_id", "training_group");

-- AddForeignKey
ALTER TABLE "training_groups" ADD CONSTRAINT "training_groups_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "training_step_models" ADD CONSTRAINT "training_step_models_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
