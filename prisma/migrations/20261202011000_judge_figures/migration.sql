-- AlterTable
ALTER TABLE "run_stats" ADD COLUMN     "sum_cost_ratio" DOUBLE PRECISION NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "judges" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "judges_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "trajectory_judges" (
    "trajectory_pk" INTEGER NOT NULL,
    "judge_id" INTEGER NOT NULL,
    "judgments" INTEGER NOT NULL,
    "process_score" DOUBLE PRECISION,
    "reward" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "trajectory_judges_pkey" PRIMARY KEY ("trajectory_pk","judge_id")
);

-- CreateTable
CREATE TABLE "run_judge_stats" (
    "run_id" TEXT NOT NULL,
    "judge_id" INTEGER NOT NULL,
    "trajectories" INTEGER NOT NULL DEFAULT 0,
    "judgments" INTEGER NOT NULL DEFAULT 0,
    "sum_process" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "n_process" INTEGER NOT NULL DEFAULT 0,
    "sum_reward" DOUBLE PRECISION NOT NULL DEFAULT 0,

    CONSTRAINT "run_judge_stats_pkey" PRIMARY KEY ("run_id","judge_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "judges_name_key" ON "judges"("name");

-- CreateIndex
CREATE INDEX "trajectory_judges_judge_id_process_score_trajectory_pk_idx" ON "trajectory_judges"("judge_id", "process_score", "trajectory_pk");

-- CreateIndex
CREATE INDEX "trajectory_judges_judge_id_reward_trajectory_pk_idx" ON "trajectory_judges"("judge_id", "reward", "trajectory_pk");

-- CreateIndex
CREATE INDEX "run_judge_stats_judge_id_idx" ON "run_judge_stats"("judge_id");

-- AddForeignKey
ALTER TABLE "trajectory_judges" ADD CONSTRAINT "trajectory_judges_trajectory_pk_fkey" FOREIGN KEY ("trajectory_pk") REFERENCES "trajectories"("pk") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "trajectory_judges" ADD CONSTRAINT "trajectory_judges_judge_id_fkey" FOREIGN KEY ("judge_id") REFERENCES "judges"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "run_judge_stats" ADD CONSTRAINT "run_judge_stats_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "run_judge_stats" ADD CONSTRAINT "run_judge_stats_judge_id_fkey" FOREIGN KEY ("judge_id") REFERENCES "judges"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Data: judge 0 is "no judge" (people's judgments alone); then every judge that scored a stored
-- judgment (an absent judge is "judge", trace-format.md).
INSERT INTO "judges" ("id", "name") VALUES (0, '');
INSERT INTO "judges" ("name")
SELECT DISTINCT coalesce("judge", 'judge') FROM "judgments" WHERE "judge_score" IS NOT NULL ORDER BY 1;

-- The cost ratios of every run's trajectories (0 where the all-largest cost is 0, as the reward counts it).
UPDATE "run_stats" s SET "sum_cost_ratio" = x.r
  FROM (SELECT "run_id", sum(coalesce("cost_usd" / nullif("all_largest_usd", 0::float8), 0::float8)) AS r
          FROM "trajectories" GROUP BY "run_id") x
 WHERE x."run_id" = s."run_id";

-- Every trajectory's figures under every judge: lib/domain's (scoring.md) in SQL, the same operations
-- in the same order on float8 (tests/judge-figures.test.ts checks them against lib/domain). A judgment
-- enters a judge's view when it is the judge's or a person added it (no judge score); its effective
-- score is the newest human label, else the judge's score.
WITH scored AS (
  SELECT j."trajectory_pk" AS pk, j."position", c."position" AS cpos, c."weight",
         CASE WHEN j."judge_score" IS NULL THEN NULL ELSE coalesce(j."judge", 'judge') END AS judge,
         CASE c."kind"
           WHEN 'binary' THEN CASE WHEN e.score = 0 THEN 0::float8 ELSE 1::float8 END
           WHEN 'ternary' THEN (e.score + 1) / 2
           ELSE (e.score - coalesce(c."scale_min", 0)) / (coalesce(c."scale_max", 1) - coalesce(c."scale_min", 0))
         END AS v
    FROM "judgments" j
    JOIN "trajectories" t ON t."pk" = j."trajectory_pk"
    JOIN "criteria" c ON c."rubric_id" = t."rubric_id" AND c."id" = j."criterion_id"
   CROSS JOIN LATERAL (
     SELECT coalesce((SELECT nl."score" FROM newest_label(j."item_id") nl), j."judge_score") AS score
   ) e
   WHERE e.score IS NOT NULL
),
criterion AS (
  SELECT p.pk, g."id" AS judge_id, s.cpos, s."weight", sum(s.v ORDER BY s."position") / count(*) AS score
    FROM (SELECT DISTINCT pk FROM scored) p
   CROSS JOIN "judges" g
    JOIN scored s ON s.pk = p.pk AND (s.judge IS NULL OR s.judge = g."name")
   GROUP BY p.pk, g."id", s.cpos, s."weight"
),
process AS (
  SELECT pk, judge_id, sum("weight" * score ORDER BY cpos) / sum("weight" ORDER BY cpos) AS score
    FROM criterion GROUP BY pk, judge_id
),
counts AS (
  SELECT j."trajectory_pk" AS pk, g."id" AS judge_id, count(*)::int AS n
    FROM "judgments" j JOIN "judges" g ON g."name" = coalesce(j."judge", 'judge')
   WHERE j."judge_score" IS NOT NULL
   GROUP BY 1, 2
)
INSERT INTO "trajectory_judges" ("trajectory_pk", "judge_id", "judgments", "process_score", "reward")
SELECT t."pk", g."id", coalesce(n.n, 0), p.score,
       (CASE WHEN t."correct" THEN 1 ELSE 0 END)::float8 + 0.5::float8 * coalesce(p.score, 0::float8)
         - 0.1::float8 * coalesce(t."cost_usd" / nullif(t."all_largest_usd", 0::float8), 0::float8)
  FROM "trajectories" t
 CROSS JOIN "judges" g
  LEFT JOIN process p ON p.pk = t."pk" AND p.judge_id = g."id"
  LEFT JOIN counts n ON n.pk = t."pk" AND n.judge_id = g."id";

-- Their sums per run and judge.
INSERT INTO "run_judge_stats" ("run_id", "judge_id", "trajectories", "judgments", "sum_process", "n_process", "sum_reward")
SELECT t."run_id", tj."judge_id", count(*) FILTER (WHERE tj."judgments" > 0)::int, coalesce(sum(tj."judgments"), 0)::int,
       coalesce(sum(tj."process_score"), 0), count(tj."process_score")::int, coalesce(sum(tj."reward"), 0)
  FROM "trajectory_judges" tj JOIN "trajectories" t ON t."pk" = tj."trajectory_pk"
 GROUP BY t."run_id", tj."judge_id";
