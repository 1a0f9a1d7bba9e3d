-- CreateTable
CREATE TABLE "trajectory_agreement" (
    "trajectory_pk" INTEGER NOT NULL,
    "contribution" JSONB NOT NULL,

    CONSTRAINT "trajectory_agreement_pkey" PRIMARY KEY ("trajectory_pk")
);

-- CreateTable
CREATE TABLE "agreement_cells" (
    "run_id" TEXT NOT NULL,
    "rubric_id" TEXT NOT NULL,
    "criterion_id" TEXT NOT NULL,
    "judge" TEXT NOT NULL,
    "judge_score" DOUBLE PRECISION NOT NULL,
    "human" DOUBLE PRECISION NOT NULL,
    "n" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "agreement_cells_pkey" PRIMARY KEY ("run_id","rubric_id","criterion_id","judge","judge_score","human")
);

-- CreateTable
CREATE TABLE "agreement_items" (
    "run_id" TEXT NOT NULL,
    "rubric_id" TEXT NOT NULL,
    "criterion_id" TEXT NOT NULL,
    "n_items" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "agreement_items_pkey" PRIMARY KEY ("run_id","rubric_id","criterion_id")
);

-- CreateTable
CREATE TABLE "agreement_days" (
    "run_id" TEXT NOT NULL,
    "judge" TEXT NOT NULL,
    "kind" "ScaleKind" NOT NULL,
    "scale_min" DOUBLE PRECISION NOT NULL,
    "scale_max" DOUBLE PRECISION NOT NULL,
    "day" DATE NOT NULL,
    "judge_score" DOUBLE PRECISION NOT NULL,
    "human" DOUBLE PRECISION NOT NULL,
    "n" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "agreement_days_pkey" PRIMARY KEY ("run_id","judge","kind","scale_min","scale_max","day","judge_score","human")
);

-- CreateTable
CREATE TABLE "agreement_steps" (
    "run_id" TEXT NOT NULL,
    "judge" TEXT NOT NULL,
    "kind" "ScaleKind" NOT NULL,
    "scale_min" DOUBLE PRECISION NOT NULL,
    "scale_max" DOUBLE PRECISION NOT NULL,
    "training_step" INTEGER NOT NULL,
    "judge_score" DOUBLE PRECISION NOT NULL,
    "human" DOUBLE PRECISION NOT NULL,
    "n" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "agreement_steps_pkey" PRIMARY KEY ("run_id","judge","kind","scale_min","scale_max","training_step","judge_score","human")
);

-- CreateTable
CREATE TABLE "agreement_people" (
    "item_id" INTEGER NOT NULL,
    "trajectory_pk" INTEGER NOT NULL,
    "run_id" TEXT NOT NULL,
    "rubric_id" TEXT NOT NULL,
    "criterion_id" TEXT NOT NULL,
    "kind" "ScaleKind" NOT NULL,
    "scale_min" DOUBLE PRECISION,
    "scale_max" DOUBLE PRECISION,
    "people_scores" DOUBLE PRECISION[],
    "judges" TEXT[],
    "person_judgment" BOOLEAN NOT NULL,

    CONSTRAINT "agreement_people_pkey" PRIMARY KEY ("item_id")
);

-- CreateIndex
CREATE INDEX "agreement_people_trajectory_pk_idx" ON "agreement_people"("trajectory_pk");

-- CreateIndex
CREATE INDEX "agreement_people_run_id_idx" ON "agreement_people"("run_id");

-- AddForeignKey
ALTER TABLE "trajectory_agreement" ADD CONSTRAINT "trajectory_agreement_trajectory_pk_fkey" FOREIGN KEY ("trajectory_pk") REFERENCES "trajectories"("pk") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "agreement_cells" ADD CONSTRAINT "agreement_cells_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "agreement_items" ADD CONSTRAINT "agreement_items_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "agreement_days" ADD CONSTRAINT "agreement_days_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "agreement_steps" ADD CONSTRAINT "agreement_steps_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "agreement_people" ADD CONSTRAINT "agreement_people_trajectory_pk_fkey" FOREIGN KEY ("trajectory_pk") REFERENCES "trajectories"("pk") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "agreement_people" ADD CONSTRAINT "agreement_people_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The counts of what is stored already, as lib/db/agreement-counts.ts keeps them from now on: per
-- trajectory its part, then the sums of the parts. The unnamed judge counts as "judge" (UNNAMED_JUDGE).
CREATE TEMP TABLE "agreement_backfill" AS
SELECT i."trajectory_pk" AS pk, t."run_id", t."rubric_id", t."training_step", i."criterion_id", c."kind",
       CASE WHEN c."kind" = 'numeric' THEN coalesce(c."scale_min", 0) ELSE 0 END AS scale_min,
       CASE WHEN c."kind" = 'numeric' THEN coalesce(c."scale_max", 1) ELSE 0 END AS scale_max,
       coalesce(j."judge", 'judge') AS judge, j."judge_score", nl."score" AS human,
       (nl."created_at" AT TIME ZONE 'UTC')::date AS day, count(*)::int AS n
  FROM "items" i
  JOIN "trajectories" t ON t."pk" = i."trajectory_pk"
  JOIN "criteria" c ON c."rubric_id" = t."rubric_id" AND c."id" = i."criterion_id"
  CROSS JOIN LATERAL newest_label(i."id") nl
  JOIN "judgments" j ON j."item_id" = i."id" AND j."judge_score" IS NOT NULL
 GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12;

CREATE TEMP TABLE "agreement_backfill_items" AS
SELECT i."trajectory_pk" AS pk, t."run_id", t."rubric_id", i."criterion_id", count(*)::int AS n
  FROM "items" i
  JOIN "trajectories" t ON t."pk" = i."trajectory_pk"
  JOIN "criteria" c ON c."rubric_id" = t."rubric_id" AND c."id" = i."criterion_id"
 WHERE EXISTS (SELECT 1 FROM "labels" l WHERE l."item_id" = i."id")
 GROUP BY 1, 2, 3, 4;

INSERT INTO "trajectory_agreement" ("trajectory_pk", "contribution")
SELECT p.pk,
       jsonb_build_object(
         'cells', coalesce((SELECT jsonb_agg(jsonb_build_array(b."criterion_id", b."kind", b.scale_min, b.scale_max, b.judge, b."judge_score", b.human,
                                                               to_char(b.day, 'YYYY-MM-DD'), b.n))
                              FROM "agreement_backfill" b WHERE b.pk = p.pk), '[]'::jsonb),
         'items', coalesce((SELECT jsonb_agg(jsonb_build_array(x."criterion_id", x.n)) FROM "agreement_backfill_items" x WHERE x.pk = p.pk), '[]'::jsonb))
  FROM (SELECT pk FROM "agreement_backfill" UNION SELECT pk FROM "agreement_backfill_items") p;

INSERT INTO "agreement_cells" ("run_id", "rubric_id", "criterion_id", "judge", "judge_score", "human", "n")
SELECT "run_id", "rubric_id", "criterion_id", judge, "judge_score", human, sum(n)::int FROM "agreement_backfill" GROUP BY 1, 2, 3, 4, 5, 6;

INSERT INTO "agreement_items" ("run_id", "rubric_id", "criterion_id", "n_items")
SELECT "run_id", "rubric_id", "criterion_id", sum(n)::int FROM "agreement_backfill_items" GROUP BY 1, 2, 3;

INSERT INTO "agreement_days" ("run_id", "judge", "kind", "scale_min", "scale_max", "day", "judge_score", "human", "n")
SELECT "run_id", judge, "kind", scale_min, scale_max, day, "judge_score", human, sum(n)::int FROM "agreement_backfill" GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;

INSERT INTO "agreement_steps" ("run_id", "judge", "kind", "scale_min", "scale_max", "training_step", "judge_score", "human", "n")
SELECT "run_id", judge, "kind", scale_min, scale_max, "training_step", "judge_score", human, sum(n)::int
  FROM "agreement_backfill" WHERE "training_step" IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;

INSERT INTO "agreement_people" ("item_id", "trajectory_pk", "run_id", "rubric_id", "criterion_id", "kind", "scale_min", "scale_max",
                                "people_scores", "judges", "person_judgment")
SELECT i."id", i."trajectory_pk", t."run_id", t."rubric_id", i."criterion_id", c."kind", c."scale_min", c."scale_max",
       (SELECT array_agg(p."score" ORDER BY label_person(p."user_id", p."author")) FROM people_labels(i."id") p),
       (SELECT array_agg(DISTINCT coalesce(j."judge", 'judge')) FROM "judgments" j WHERE j."item_id" = i."id" AND j."judge_score" IS NOT NULL),
       EXISTS (SELECT 1 FROM "judgments" j WHERE j."item_id" = i."id" AND j."judge_score" IS NULL)
  FROM (SELECT "item_id" FROM "labels" GROUP BY "item_id" HAVING count(DISTINCT label_person("user_id", "author")) >= 2) m
  JOIN "items" i ON i."id" = m."item_id"
  JOIN "trajectories" t ON t."pk" = i."trajectory_pk"
  JOIN "criteria" c ON c."rubric_id" = t."rubric_id" AND c."id" = i."criterion_id";

DROP TABLE "agreement_backfill";
DROP TABLE "agreement_backfill_items";
