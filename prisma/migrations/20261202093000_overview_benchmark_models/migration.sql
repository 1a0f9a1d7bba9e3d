-- CreateTable
CREATE TABLE "run_benchmark_model_stats" (
    "run_id" TEXT NOT NULL,
    "benchmark" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "trajectories" INTEGER NOT NULL DEFAULT 0,
    "steps" BIGINT NOT NULL DEFAULT 0,
    "tokens_in" BIGINT NOT NULL DEFAULT 0,
    "tokens_out" BIGINT NOT NULL DEFAULT 0,
    "cost_usd" DOUBLE PRECISION NOT NULL DEFAULT 0,

    CONSTRAINT "run_benchmark_model_stats_pkey" PRIMARY KEY ("run_id","benchmark","model")
);

-- CreateIndex
CREATE INDEX "run_benchmark_model_stats_benchmark_idx" ON "run_benchmark_model_stats"("benchmark");

-- AddForeignKey
ALTER TABLE "run_benchmark_model_stats" ADD CONSTRAINT "run_benchmark_model_stats_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The rollup of the steps already stored ('' for trajectories without a benchmark), as
-- lib/db/rollups.ts keeps it from now on.
INSERT INTO "run_benchmark_model_stats" (run_id, benchmark, model, trajectories, steps, tokens_in, tokens_out, cost_usd)
SELECT t.run_id, coalesce(t.benchmark, ''), s.model, count(DISTINCT t.pk)::int, count(*), sum(s.tokens_in), sum(s.tokens_out), sum(s.cost_usd)
  FROM "steps" s JOIN "trajectories" t ON t.pk = s.trajectory_pk
 GROUP BY t.run_id, coalesce(t.benchmark, ''), s.model;
