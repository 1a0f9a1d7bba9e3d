-- CreateTable
CREATE TABLE "trajectory_routing" (
    "trajectory_pk" INTEGER NOT NULL,
    "models" TEXT[],
    "position_steps" INTEGER[],
    "switches" INTEGER NOT NULL,
    "escalations" INTEGER NOT NULL,
    "deescalations" INTEGER NOT NULL,
    "router_steps" INTEGER NOT NULL,
    "not_argmax" INTEGER NOT NULL,
    "chosen_histogram" INTEGER[],
    "entropy_histogram" INTEGER[],
    "scored_by_model" INTEGER[],
    "score_sum_by_model" DOUBLE PRECISION[],
    "scored_by_bin" INTEGER[],
    "score_sum_by_bin" DOUBLE PRECISION[],

    CONSTRAINT "trajectory_routing_pkey" PRIMARY KEY ("trajectory_pk")
);

-- CreateTable
CREATE TABLE "trajectory_routing_steps" (
    "trajectory_pk" INTEGER NOT NULL,
    "escalations" TEXT NOT NULL,
    "chosen_probability" DOUBLE PRECISION[],
    "normalized_entropy" DOUBLE PRECISION[],

    CONSTRAINT "trajectory_routing_steps_pkey" PRIMARY KEY ("trajectory_pk")
);

-- CreateTable
CREATE TABLE "run_routing_stats" (
    "run_id" TEXT NOT NULL,
    "trajectories" INTEGER NOT NULL DEFAULT 0,
    "steps" BIGINT NOT NULL DEFAULT 0,
    "switches" BIGINT NOT NULL DEFAULT 0,
    "escalations" BIGINT NOT NULL DEFAULT 0,
    "deescalations" BIGINT NOT NULL DEFAULT 0,
    "trajectories_by_escalations" INTEGER[],
    "correct_by_escalations" INTEGER[],
    "router_steps" BIGINT NOT NULL DEFAULT 0,
    "not_argmax" BIGINT NOT NULL DEFAULT 0,
    "chosen_histogram" BIGINT[],
    "entropy_histogram" BIGINT[],
    "scored_by_bin" BIGINT[],
    "score_sum_by_bin" DOUBLE PRECISION[],

    CONSTRAINT "run_routing_stats_pkey" PRIMARY KEY ("run_id")
);

-- CreateTable
CREATE TABLE "run_routing_model_stats" (
    "run_id" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "position_steps" BIGINT[],
    "scored_steps" BIGINT NOT NULL DEFAULT 0,
    "score_sum" DOUBLE PRECISION NOT NULL DEFAULT 0,

    CONSTRAINT "run_routing_model_stats_pkey" PRIMARY KEY ("run_id","model")
);

-- CreateIndex
CREATE INDEX "trajectory_routing_escalations_trajectory_pk_idx" ON "trajectory_routing"("escalations", "trajectory_pk");

-- CreateIndex
CREATE INDEX "trajectory_routing_not_argmax_trajectory_pk_idx" ON "trajectory_routing"("not_argmax", "trajectory_pk");

-- AddForeignKey
ALTER TABLE "trajectory_routing" ADD CONSTRAINT "trajectory_routing_trajectory_pk_fkey" FOREIGN KEY ("trajectory_pk") REFERENCES "trajectories"("pk") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "trajectory_routing_steps" ADD CONSTRAINT "trajectory_routing_steps_trajectory_pk_fkey" FOREIGN KEY ("trajectory_pk") REFERENCES "trajectories"("pk") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "run_routing_stats" ADD CONSTRAINT "run_routing_stats_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "run_routing_model_stats" ADD CONSTRAINT "run_routing_model_stats_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Element-wise sum of two arrays of one length: the routing rollups move by such deltas. A NULL array
-- (a row that had none yet) counts as zeros.
CREATE FUNCTION "routelens_array_add"(a anycompatiblearray, b anycompatiblearray) RETURNS anycompatiblearray
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT array_agg(coalesce(x, 0) + coalesce(y, 0) ORDER BY i) FROM unnest(a, b) WITH ORDINALITY AS u(x, y, i) $$;

-- Stored trajectories get their routing contribution, computed as lib/domain/routing.ts computes it
-- for a new trajectory (the same bins, price order, normalization and tie rule); then the per-run
-- rollups are their sums.

-- Per step: its escalation (u/d) against the previous step's model in the all-largest price order,
-- and the router's normalized probabilities (chosen, top, entropy) where the step has any.
CREATE TEMP TABLE "routing_backfill_steps" ON COMMIT DROP AS
SELECT s.trajectory_pk AS pk, s.index, s.model, t.step_count AS n,
       CASE
         WHEN lag(s.model) OVER w IS NULL OR lag(s.model) OVER w = s.model THEN NULL
         WHEN (m.usd_per_mtok_out, m.usd_per_mtok_in) > (lag(m.usd_per_mtok_out) OVER w, lag(m.usd_per_mtok_in) OVER w)
           OR ((m.usd_per_mtok_out, m.usd_per_mtok_in) = (lag(m.usd_per_mtok_out) OVER w, lag(m.usd_per_mtok_in) OVER w)
               AND s.model COLLATE "C" < (lag(s.model) OVER w) COLLATE "C") THEN 'u'
         ELSE 'd'
       END AS escalation,
       p.chosen, p.top,
       CASE WHEN p.chosen IS NULL THEN NULL
            WHEN mc.m <= 1 THEN 0::float8
            -- clamped to [0, 1] as lib/domain does; + 0 turns a -0 into 0
            ELSE least(1::float8, greatest(0::float8, p.h / (ln(mc.m::float8) / ln(2::float8)))) + 0 END AS entropy
  FROM steps s
  JOIN trajectories t ON t.pk = s.trajectory_pk
  JOIN models m ON m.id = s.model
  CROSS JOIN LATERAL (SELECT count(DISTINCT x) AS m FROM unnest(t.model_ids) AS x) mc
  LEFT JOIN LATERAL (
    SELECT sum(e.value::float8 ORDER BY e.i) AS total
      FROM json_each_text(s.router -> 'probs') WITH ORDINALITY AS e(key, value, i)
  ) tot ON true
  LEFT JOIN LATERAL (
    SELECT coalesce(max(e.value::float8 / tot.total) FILTER (WHERE e.key = s.model), 0::float8) AS chosen,
           max(e.value::float8 / tot.total) AS top,
           coalesce(sum(-((e.value::float8 / tot.total) * (ln(e.value::float8 / tot.total) / ln(2::float8))) ORDER BY e.i)
                      FILTER (WHERE e.value::float8 > 0), 0::float8) AS h
      FROM json_each_text(s.router -> 'probs') WITH ORDINALITY AS e(key, value, i)
     WHERE tot.total > 0
    HAVING count(*) > 0
  ) p ON true
WINDOW w AS (PARTITION BY s.trajectory_pk ORDER BY s.index);

-- Per step: its rubric score without a judge setting (the newest human label, else the judge's score;
-- whole-trajectory judgments do not enter).
CREATE TEMP TABLE "routing_backfill_scores" ON COMMIT DROP AS
SELECT x.pk, x.step, sum(x.weight * x.v) / sum(x.weight) AS score
  FROM (
    SELECT j.trajectory_pk AS pk, k.step, c.weight,
           CASE c.kind WHEN 'binary' THEN e.score
                       WHEN 'ternary' THEN (e.score + 1) / 2
                       ELSE (e.score - c.scale_min) / (c.scale_max - c.scale_min) END AS v
      FROM judgments j
      JOIN trajectories t ON t.pk = j.trajectory_pk
      JOIN criteria c ON c.rubric_id = t.rubric_id AND c.id = j.criterion_id
      CROSS JOIN LATERAL (
        SELECT coalesce((SELECT l.score FROM labels l WHERE l.judgment_id = j.id ORDER BY l.version DESC LIMIT 1), j.judge_score) AS score
      ) e
      CROSS JOIN LATERAL (SELECT DISTINCT u AS step FROM unnest(j.steps) AS u) k
     WHERE e.score IS NOT NULL
  ) x
 GROUP BY x.pk, x.step;

CREATE TEMP TABLE "routing_backfill_binned" ON COMMIT DROP AS
SELECT b.pk, b.index, b.model, b.escalation, b.chosen, b.top, b.entropy, sc.score,
       CASE WHEN b.n = 1 THEN 0 ELSE least(9, (10 * b.index) / (b.n - 1)) END AS pbin,
       CASE WHEN b.chosen IS NOT NULL THEN least(9, floor(10 * b.chosen)::int) END AS cbin,
       CASE WHEN b.chosen IS NOT NULL THEN least(9, floor(10 * b.entropy)::int) END AS ebin
  FROM "routing_backfill_steps" b
  LEFT JOIN "routing_backfill_scores" sc ON sc.pk = b.pk AND sc.step = b.index;

INSERT INTO "trajectory_routing_steps" ("trajectory_pk", "escalations", "chosen_probability", "normalized_entropy")
SELECT pk, string_agg(coalesce(escalation, '-'), '' ORDER BY index), array_agg(chosen ORDER BY index), array_agg(entropy ORDER BY index)
  FROM "routing_backfill_binned"
 GROUP BY pk;

INSERT INTO "trajectory_routing" ("trajectory_pk", "models", "position_steps", "switches", "escalations", "deescalations",
                                  "router_steps", "not_argmax", "chosen_histogram", "entropy_histogram",
                                  "scored_by_model", "score_sum_by_model", "scored_by_bin", "score_sum_by_bin")
SELECT s.pk, pm.models, pm.position_steps, s.escalations + s.deescalations, s.escalations, s.deescalations,
       s.router_steps, s.not_argmax, s.chosen_histogram, s.entropy_histogram,
       pm.scored_by_model, pm.score_sum_by_model, s.scored_by_bin, s.score_sum_by_bin
  FROM (
    SELECT pk,
           count(*) FILTER (WHERE escalation = 'u')::int AS escalations,
           count(*) FILTER (WHERE escalation = 'd')::int AS deescalations,
           count(chosen)::int AS router_steps,
           count(*) FILTER (WHERE chosen IS NOT NULL AND chosen <> top)::int AS not_argmax,
           ARRAY[count(*) FILTER (WHERE cbin = 0), count(*) FILTER (WHERE cbin = 1), count(*) FILTER (WHERE cbin = 2), count(*) FILTER (WHERE cbin = 3), count(*) FILTER (WHERE cbin = 4), count(*) FILTER (WHERE cbin = 5), count(*) FILTER (WHERE cbin = 6), count(*) FILTER (WHERE cbin = 7), count(*) FILTER (WHERE cbin = 8), count(*) FILTER (WHERE cbin = 9)]::int[] AS chosen_histogram,
           ARRAY[count(*) FILTER (WHERE ebin = 0), count(*) FILTER (WHERE ebin = 1), count(*) FILTER (WHERE ebin = 2), count(*) FILTER (WHERE ebin = 3), count(*) FILTER (WHERE ebin = 4), count(*) FILTER (WHERE ebin = 5), count(*) FILTER (WHERE ebin = 6), count(*) FILTER (WHERE ebin = 7), count(*) FILTER (WHERE ebin = 8), count(*) FILTER (WHERE ebin = 9)]::int[] AS entropy_histogram,
           ARRAY[count(score) FILTER (WHERE cbin = 0), count(score) FILTER (WHERE cbin = 1), count(score) FILTER (WHERE cbin = 2), count(score) FILTER (WHERE cbin = 3), count(score) FILTER (WHERE cbin = 4), count(score) FILTER (WHERE cbin = 5), count(score) FILTER (WHERE cbin = 6), count(score) FILTER (WHERE cbin = 7), count(score) FILTER (WHERE cbin = 8), count(score) FILTER (WHERE cbin = 9)]::int[] AS scored_by_bin,
           ARRAY[coalesce(sum(score ORDER BY index) FILTER (WHERE cbin = 0), 0), coalesce(sum(score ORDER BY index) FILTER (WHERE cbin = 1), 0), coalesce(sum(score ORDER BY index) FILTER (WHERE cbin = 2), 0), coalesce(sum(score ORDER BY index) FILTER (WHERE cbin = 3), 0), coalesce(sum(score ORDER BY index) FILTER (WHERE cbin = 4), 0), coalesce(sum(score ORDER BY index) FILTER (WHERE cbin = 5), 0), coalesce(sum(score ORDER BY index) FILTER (WHERE cbin = 6), 0), coalesce(sum(score ORDER BY index) FILTER (WHERE cbin = 7), 0), coalesce(sum(score ORDER BY index) FILTER (WHERE cbin = 8), 0), coalesce(sum(score ORDER BY index) FILTER (WHERE cbin = 9), 0)]::float8[] AS score_sum_by_bin
      FROM "routing_backfill_binned"
     GROUP BY pk
  ) s
  JOIN (
    SELECT pk,
           array_agg(model ORDER BY o) AS models,
           ARRAY(SELECT unnest(array_agg(position ORDER BY o))) AS position_steps,
           array_agg(scored ORDER BY o) AS scored_by_model,
           array_agg(score_sum ORDER BY o) AS score_sum_by_model
      FROM (
        SELECT b.pk, b.model,
               row_number() OVER (PARTITION BY b.pk ORDER BY m.usd_per_mtok_out, m.usd_per_mtok_in, b.model COLLATE "C" DESC) AS o,
               ARRAY[count(*) FILTER (WHERE b.pbin = 0), count(*) FILTER (WHERE b.pbin = 1), count(*) FILTER (WHERE b.pbin = 2), count(*) FILTER (WHERE b.pbin = 3), count(*) FILTER (WHERE b.pbin = 4), count(*) FILTER (WHERE b.pbin = 5), count(*) FILTER (WHERE b.pbin = 6), count(*) FILTER (WHERE b.pbin = 7), count(*) FILTER (WHERE b.pbin = 8), count(*) FILTER (WHERE b.pbin = 9)]::int[] AS position,
               count(b.score)::int AS scored,
               coalesce(sum(b.score ORDER BY b.index), 0::float8) AS score_sum
          FROM "routing_backfill_binned" b
          JOIN models m ON m.id = b.model
         GROUP BY b.pk, b.model, m.usd_per_mtok_out, m.usd_per_mtok_in
      ) x
     GROUP BY pk
  ) pm ON pm.pk = s.pk;

INSERT INTO "run_routing_stats" ("run_id", "trajectories", "steps", "switches", "escalations", "deescalations",
                                 "trajectories_by_escalations", "correct_by_escalations", "router_steps", "not_argmax",
                                 "chosen_histogram", "entropy_histogram", "scored_by_bin", "score_sum_by_bin")
SELECT t.run_id, count(*), sum(t.step_count), sum(r.switches), sum(r.escalations), sum(r.deescalations),
       ARRAY[count(*) FILTER (WHERE r.escalations = 0), count(*) FILTER (WHERE r.escalations = 1), count(*) FILTER (WHERE r.escalations = 2), count(*) FILTER (WHERE r.escalations >= 3)]::int[],
       ARRAY[count(*) FILTER (WHERE r.escalations = 0 AND t.correct), count(*) FILTER (WHERE r.escalations = 1 AND t.correct), count(*) FILTER (WHERE r.escalations = 2 AND t.correct), count(*) FILTER (WHERE r.escalations >= 3 AND t.correct)]::int[],
       sum(r.router_steps), sum(r.not_argmax),
       ARRAY[sum(r.chosen_histogram[1]), sum(r.chosen_histogram[2]), sum(r.chosen_histogram[3]), sum(r.chosen_histogram[4]), sum(r.chosen_histogram[5]), sum(r.chosen_histogram[6]), sum(r.chosen_histogram[7]), sum(r.chosen_histogram[8]), sum(r.chosen_histogram[9]), sum(r.chosen_histogram[10])]::bigint[],
       ARRAY[sum(r.entropy_histogram[1]), sum(r.entropy_histogram[2]), sum(r.entropy_histogram[3]), sum(r.entropy_histogram[4]), sum(r.entropy_histogram[5]), sum(r.entropy_histogram[6]), sum(r.entropy_histogram[7]), sum(r.entropy_histogram[8]), sum(r.entropy_histogram[9]), sum(r.entropy_histogram[10])]::bigint[],
       ARRAY[sum(r.scored_by_bin[1]), sum(r.scored_by_bin[2]), sum(r.scored_by_bin[3]), sum(r.scored_by_bin[4]), sum(r.scored_by_bin[5]), sum(r.scored_by_bin[6]), sum(r.scored_by_bin[7]), sum(r.scored_by_bin[8]), sum(r.scored_by_bin[9]), sum(r.scored_by_bin[10])]::bigint[],
       ARRAY[sum(r.score_sum_by_bin[1]), sum(r.score_sum_by_bin[2]), sum(r.score_sum_by_bin[3]), sum(r.score_sum_by_bin[4]), sum(r.score_sum_by_bin[5]), sum(r.score_sum_by_bin[6]), sum(r.score_sum_by_bin[7]), sum(r.score_sum_by_bin[8]), sum(r.score_sum_by_bin[9]), sum(r.score_sum_by_bin[10])]::float8[]
  FROM "trajectory_routing" r
  JOIN trajectories t ON t.pk = r.trajectory_pk
 GROUP BY t.run_id;

INSERT INTO "run_routing_model_stats" ("run_id", "model", "position_steps", "scored_steps", "score_sum")
SELECT t.run_id, m.model,
       ARRAY[sum(r.position_steps[(m.k - 1) * 10 + 1]), sum(r.position_steps[(m.k - 1) * 10 + 2]), sum(r.position_steps[(m.k - 1) * 10 + 3]), sum(r.position_steps[(m.k - 1) * 10 + 4]), sum(r.position_steps[(m.k - 1) * 10 + 5]), sum(r.position_steps[(m.k - 1) * 10 + 6]), sum(r.position_steps[(m.k - 1) * 10 + 7]), sum(r.position_steps[(m.k - 1) * 10 + 8]), sum(r.position_steps[(m.k - 1) * 10 + 9]), sum(r.position_steps[(m.k - 1) * 10 + 10])]::bigint[],
       sum(r.scored_by_model[m.k]), sum(r.score_sum_by_model[m.k])
  FROM "trajectory_routing" r
  JOIN trajectories t ON t.pk = r.trajectory_pk
  CROSS JOIN LATERAL unnest(r.models) WITH ORDINALITY AS m(model, k)
 GROUP BY t.run_id, m.model;
