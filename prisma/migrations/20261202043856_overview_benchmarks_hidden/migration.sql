-- AlterTable
ALTER TABLE "runs" ADD COLUMN     "hidden" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "run_benchmark_stats" (
    "run_id" TEXT NOT NULL,
    "benchmark" TEXT NOT NULL,
    "trajectories" INTEGER NOT NULL DEFAULT 0,
    "correct" INTEGER NOT NULL DEFAULT 0,
    "steps" BIGINT NOT NULL DEFAULT 0,
    "tokens_in" BIGINT NOT NULL DEFAULT 0,
    "tokens_out" BIGINT NOT NULL DEFAULT 0,
    "sum_cost_usd" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "sum_cost_sq" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "sum_process" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "n_process" INTEGER NOT NULL DEFAULT 0,
    "sum_savings" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "n_savings" INTEGER NOT NULL DEFAULT 0,
    "sum_reward" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "sum_cost_ratio" DOUBLE PRECISION NOT NULL DEFAULT 0,

    CONSTRAINT "run_benchmark_stats_pkey" PRIMARY KEY ("run_id","benchmark")
);

-- CreateIndex
CREATE INDEX "run_benchmark_stats_benchmark_idx" ON "run_benchmark_stats"("benchmark");

-- AddForeignKey
ALTER TABLE "run_benchmark_stats" ADD CONSTRAINT "run_benchmark_stats_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The rollup of the trajectories already stored ('' for those without a benchmark), as
-- lib/db/rollups.ts keeps it from now on.
INSERT INTO "run_benchmark_stats" (run_id, benchmark, trajectories, correct, steps, tokens_in, tokens_out, sum_cost_usd, sum_cost_sq,
                                   sum_process, n_process, sum_savings, n_savings, sum_reward, sum_cost_ratio)
SELECT t.run_id, coalesce(t.benchmark, ''), count(*)::int, (count(*) FILTER (WHERE t.correct))::int, sum(t.step_count), sum(t.tokens_in), sum(t.tokens_out),
       sum(t.cost_usd), sum(t.cost_usd * t.cost_usd), coalesce(sum(t.process_score), 0), count(t.process_score)::int,
       coalesce(sum(t.savings), 0), count(t.savings)::int, sum(t.reward),
       sum(CASE WHEN t.all_largest_usd = 0 THEN 0 ELSE t.cost_usd / t.all_largest_usd END)
  FROM "trajectories" t
 GROUP BY t.run_id, coalesce(t.benchmark, '');
