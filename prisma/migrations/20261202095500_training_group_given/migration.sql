-- Whether a rollout's line named its training group (#10): the traces export writes `training` as the
-- line gave it, so a line that named the default group "<query id>@<step>" exports with it. A stored
-- rollout whose group is not the default one named it; one whose group is the default is taken to
-- have named none (what the traces export wrote for it until now). Trajectories without training stay false.

-- AlterTable
ALTER TABLE "trajectories" ADD COLUMN     "training_group_given" BOOLEAN NOT NULL DEFAULT false;

UPDATE "trajectories"
   SET "training_group_given" = true
 WHERE "training_group" IS NOT NULL
   AND "training_group" <> "query_id" || '@' || "training_step"::text;
