-- CreateTable
CREATE TABLE "run_reference_models" (
    "run_id" TEXT NOT NULL,
    "benchmark" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "trajectories" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "run_reference_models_pkey" PRIMARY KEY ("run_id","benchmark","model")
);

-- AddForeignKey
ALTER TABLE "run_reference_models" ADD CONSTRAINT "run_reference_models_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The rollup of the trajectories already stored ('' for those without a benchmark), as
-- lib/db/rollups.ts keeps it from now on. A trajectory's baseline is scoring.md's all-largest model
-- of its models list: highest output price, then highest input price, then the smallest id.
INSERT INTO "run_reference_models" (run_id, benchmark, model, trajectories)
SELECT t.run_id, coalesce(t.benchmark, ''), b.id, count(*)::int
  FROM "trajectories" t
 CROSS JOIN LATERAL (
   SELECT m.id FROM "models" m WHERE m.id = ANY(t.model_ids)
    ORDER BY m.usd_per_mtok_out DESC, m.usd_per_mtok_in DESC, m.id COLLATE "C" LIMIT 1
 ) b
 WHERE t.savings IS NOT NULL
 GROUP BY t.run_id, coalesce(t.benchmark, ''), b.id;
