-- Each trajectory's step rubric scores (every judge's judgments, the newest human labels applied),
-- written by ingest and by every label's recompute from now on (lib/db/derived.ts), which the steps
-- export reads instead of scoring the trajectory again. A trajectory stored before stays null, and the
-- export scores it from its judgments, as it did; re-ingesting it or labelling it fills the column.
-- AlterTable
ALTER TABLE "trajectories" ADD COLUMN     "step_rubric_scores" DOUBLE PRECISION[];
