-- The trajectory list's indexes (lib/server/queries/trajectory-list.ts): keyset orders after the
-- filters that cluster them, index-only counts, and a cost index that holds every filter and sort
-- column. run_model_stats counts the trajectories per run and model for the list's model filter.

-- DropIndex
DROP INDEX "trajectories_cost_usd_pk_idx";

-- DropIndex
DROP INDEX "trajectories_query_id_idx";

-- AlterTable
ALTER TABLE "run_model_stats" ADD COLUMN     "trajectories" INTEGER NOT NULL DEFAULT 0;

-- Backfill: per run and model, the trajectories that have at least one step on the model.
UPDATE "run_model_stats" s SET "trajectories" = x.n
  FROM (SELECT t."run_id", m."model", count(*)::int AS n
          FROM "trajectories" t CROSS JOIN LATERAL unnest(t."models_used") AS m("model")
         GROUP BY 1, 2) x
 WHERE s."run_id" = x."run_id" AND s."model" = x."model";

-- CreateIndex
CREATE INDEX "trajectories_query_id_run_id_correct_labelled_idx" ON "trajectories"("query_id", "run_id", "correct", "labelled");

-- CreateIndex
CREATE INDEX "trajectories_benchmark_run_id_correct_labelled_idx" ON "trajectories"("benchmark", "run_id", "correct", "labelled");

-- CreateIndex
CREATE INDEX "trajectories_ingested_at_pk_idx" ON "trajectories"("ingested_at", "pk");

-- CreateIndex
CREATE INDEX "trajectories_run_id_id_idx" ON "trajectories"("run_id", "id");

-- CreateIndex
CREATE INDEX "trajectories_run_id_step_count_pk_idx" ON "trajectories"("run_id", "step_count", "pk");

-- CreateIndex
CREATE INDEX "trajectories_run_id_ingested_at_pk_idx" ON "trajectories"("run_id", "ingested_at", "pk");

-- CreateIndex
CREATE INDEX "trajectories_correct_reward_pk_idx" ON "trajectories"("correct", "reward", "pk");

-- CreateIndex
CREATE INDEX "trajectories_correct_process_score_pk_idx" ON "trajectories"("correct", "process_score", "pk");

-- CreateIndex
CREATE INDEX "trajectories_benchmark_id_idx" ON "trajectories"("benchmark", "id");

-- CreateIndex
CREATE INDEX "trajectories_cost_list_idx" ON "trajectories"("cost_usd", "pk", "run_id", "query_id", "benchmark", "correct", "labelled", "step_count", "reward", "process_score", "ingested_at", "id");
