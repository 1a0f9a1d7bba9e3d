-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- Trigram index support for the trajectory list's search in query texts.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- CreateEnum
CREATE TYPE "ScaleKind" AS ENUM ('binary', 'ternary', 'numeric');

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('viewer', 'annotator', 'admin');

-- CreateEnum
CREATE TYPE "QueueRule" AS ENUM ('all', 'sample', 'score_range', 'disagreement');

-- CreateTable
CREATE TABLE "models" (
    "id" TEXT NOT NULL,
    "params_b" DOUBLE PRECISION,
    "usd_per_mtok_in" DOUBLE PRECISION NOT NULL,
    "usd_per_mtok_out" DOUBLE PRECISION NOT NULL,
    "content_hash" TEXT NOT NULL,

    CONSTRAINT "models_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "runs" (
    "id" TEXT NOT NULL,
    "policy" TEXT,
    "meta" JSON,
    "content_hash" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "queries" (
    "id" TEXT NOT NULL,
    "benchmark" TEXT,
    "text" TEXT NOT NULL,
    "reference_answer" TEXT,
    "content_hash" TEXT NOT NULL,

    CONSTRAINT "queries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rubrics" (
    "id" TEXT NOT NULL,
    "generator" TEXT,
    "content_hash" TEXT NOT NULL,

    CONSTRAINT "rubrics_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "criteria" (
    "rubric_id" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "weight" DOUBLE PRECISION NOT NULL,
    "kind" "ScaleKind" NOT NULL,
    "scale_min" DOUBLE PRECISION,
    "scale_max" DOUBLE PRECISION,

    CONSTRAINT "criteria_pkey" PRIMARY KEY ("rubric_id","id")
);

-- CreateTable
CREATE TABLE "trajectories" (
    "pk" SERIAL NOT NULL,
    "id" TEXT NOT NULL,
    "run_id" TEXT NOT NULL,
    "query_id" TEXT NOT NULL,
    "rubric_id" TEXT,
    "benchmark" TEXT,
    "correct" BOOLEAN NOT NULL,
    "final_answer" TEXT,
    "meta" JSON,
    "model_ids" TEXT[],
    "models_used" TEXT[],
    "step_count" INTEGER NOT NULL,
    "tokens_in" BIGINT NOT NULL,
    "tokens_out" BIGINT NOT NULL,
    "cost_usd" DOUBLE PRECISION NOT NULL,
    "all_largest_usd" DOUBLE PRECISION NOT NULL,
    "savings" DOUBLE PRECISION,
    "process_score" DOUBLE PRECISION,
    "reward" DOUBLE PRECISION NOT NULL,
    "labelled" BOOLEAN NOT NULL DEFAULT false,
    "content_hash" TEXT NOT NULL,
    "ingested_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "trajectories_pkey" PRIMARY KEY ("pk")
);

-- CreateTable
CREATE TABLE "steps" (
    "trajectory_pk" INTEGER NOT NULL,
    "index" INTEGER NOT NULL,
    "model" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "tokens_in" INTEGER NOT NULL,
    "tokens_out" INTEGER NOT NULL,
    "latency_ms" DOUBLE PRECISION,
    "router" JSON,
    "given_cost_usd" DOUBLE PRECISION,
    "cost_usd" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "steps_pkey" PRIMARY KEY ("trajectory_pk","index")
);

-- CreateTable
CREATE TABLE "judgments" (
    "id" SERIAL NOT NULL,
    "trajectory_pk" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,
    "criterion_id" TEXT NOT NULL,
    "steps" INTEGER[],
    "judge_score" DOUBLE PRECISION,
    "rationale" TEXT,
    "judge" TEXT,
    "version" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "judgments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "labels" (
    "id" SERIAL NOT NULL,
    "judgment_id" INTEGER NOT NULL,
    "version" INTEGER NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    "rationale" TEXT,
    "user_id" INTEGER,
    "author" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revert_of_label_id" INTEGER,

    CONSTRAINT "labels_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "users" (
    "id" SERIAL NOT NULL,
    "username" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "password_hash" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "disabled_at" TIMESTAMP(3),

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sessions" (
    "token_hash" TEXT NOT NULL,
    "user_id" INTEGER NOT NULL,
    "csrf_token" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "sessions_pkey" PRIMARY KEY ("token_hash")
);

-- CreateTable
CREATE TABLE "api_keys" (
    "id" SERIAL NOT NULL,
    "user_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "key_hash" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMP(3),
    "revoked_at" TIMESTAMP(3),

    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "annotation_queues" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "filters" JSONB NOT NULL,
    "rule" "QueueRule" NOT NULL,
    "rule_params" JSONB NOT NULL,
    "overlap" INTEGER NOT NULL DEFAULT 1,
    "guidelines" TEXT,
    "created_by" INTEGER,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "annotation_queues_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "queue_items" (
    "id" SERIAL NOT NULL,
    "queue_id" INTEGER NOT NULL,
    "judgment_id" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,

    CONSTRAINT "queue_items_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "queue_assignments" (
    "item_id" INTEGER NOT NULL,
    "user_id" INTEGER NOT NULL,
    "leased_until" TIMESTAMP(3) NOT NULL,
    "done_at" TIMESTAMP(3),
    "label_id" INTEGER,

    CONSTRAINT "queue_assignments_pkey" PRIMARY KEY ("item_id","user_id")
);

-- CreateTable
CREATE TABLE "run_stats" (
    "run_id" TEXT NOT NULL,
    "trajectories" INTEGER NOT NULL DEFAULT 0,
    "correct" INTEGER NOT NULL DEFAULT 0,
    "steps" BIGINT NOT NULL DEFAULT 0,
    "sum_cost_usd" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "sum_process" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "n_process" INTEGER NOT NULL DEFAULT 0,
    "sum_savings" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "n_savings" INTEGER NOT NULL DEFAULT 0,
    "sum_reward" DOUBLE PRECISION NOT NULL DEFAULT 0,

    CONSTRAINT "run_stats_pkey" PRIMARY KEY ("run_id")
);

-- CreateTable
CREATE TABLE "run_model_stats" (
    "run_id" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "steps" BIGINT NOT NULL DEFAULT 0,
    "tokens_in" BIGINT NOT NULL DEFAULT 0,
    "tokens_out" BIGINT NOT NULL DEFAULT 0,
    "cost_usd" DOUBLE PRECISION NOT NULL DEFAULT 0,

    CONSTRAINT "run_model_stats_pkey" PRIMARY KEY ("run_id","model")
);

-- CreateIndex
CREATE INDEX "queries_benchmark_idx" ON "queries"("benchmark");

-- CreateIndex
CREATE INDEX "queries_text_trgm_idx" ON "queries" USING GIN ("text" gin_trgm_ops);

-- CreateIndex
CREATE UNIQUE INDEX "criteria_rubric_id_position_key" ON "criteria"("rubric_id", "position");

-- CreateIndex
CREATE UNIQUE INDEX "trajectories_id_key" ON "trajectories"("id");

-- CreateIndex
CREATE INDEX "trajectories_run_id_pk_idx" ON "trajectories"("run_id", "pk");

-- CreateIndex
CREATE INDEX "trajectories_query_id_idx" ON "trajectories"("query_id");

-- CreateIndex
CREATE INDEX "trajectories_benchmark_pk_idx" ON "trajectories"("benchmark", "pk");

-- CreateIndex
CREATE INDEX "trajectories_cost_usd_pk_idx" ON "trajectories"("cost_usd", "pk");

-- CreateIndex
CREATE INDEX "trajectories_process_score_pk_idx" ON "trajectories"("process_score", "pk");

-- CreateIndex
CREATE INDEX "trajectories_reward_pk_idx" ON "trajectories"("reward", "pk");

-- CreateIndex
CREATE INDEX "trajectories_step_count_pk_idx" ON "trajectories"("step_count", "pk");

-- CreateIndex
CREATE INDEX "trajectories_run_id_cost_usd_pk_idx" ON "trajectories"("run_id", "cost_usd", "pk");

-- CreateIndex
CREATE INDEX "trajectories_run_id_process_score_pk_idx" ON "trajectories"("run_id", "process_score", "pk");

-- CreateIndex
CREATE INDEX "trajectories_run_id_reward_pk_idx" ON "trajectories"("run_id", "reward", "pk");

-- CreateIndex
CREATE INDEX "trajectories_run_id_correct_pk_idx" ON "trajectories"("run_id", "correct", "pk");

-- CreateIndex
CREATE INDEX "trajectories_labelled_pk_idx" ON "trajectories"("labelled", "pk");

-- CreateIndex
CREATE INDEX "trajectories_models_used_idx" ON "trajectories" USING GIN ("models_used");

-- CreateIndex
CREATE UNIQUE INDEX "judgments_trajectory_pk_position_key" ON "judgments"("trajectory_pk", "position");

-- CreateIndex
CREATE INDEX "labels_user_id_idx" ON "labels"("user_id");

-- CreateIndex
CREATE INDEX "labels_created_at_idx" ON "labels"("created_at");

-- CreateIndex
CREATE UNIQUE INDEX "labels_judgment_id_version_key" ON "labels"("judgment_id", "version");

-- CreateIndex
CREATE UNIQUE INDEX "users_username_key" ON "users"("username");

-- CreateIndex
CREATE INDEX "sessions_user_id_idx" ON "sessions"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_prefix_key" ON "api_keys"("prefix");

-- CreateIndex
CREATE UNIQUE INDEX "queue_items_queue_id_position_key" ON "queue_items"("queue_id", "position");

-- CreateIndex
CREATE UNIQUE INDEX "queue_items_queue_id_judgment_id_key" ON "queue_items"("queue_id", "judgment_id");

-- CreateIndex
CREATE INDEX "queue_assignments_user_id_idx" ON "queue_assignments"("user_id");

-- AddForeignKey
ALTER TABLE "criteria" ADD CONSTRAINT "criteria_rubric_id_fkey" FOREIGN KEY ("rubric_id") REFERENCES "rubrics"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "trajectories" ADD CONSTRAINT "trajectories_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "trajectories" ADD CONSTRAINT "trajectories_query_id_fkey" FOREIGN KEY ("query_id") REFERENCES "queries"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "trajectories" ADD CONSTRAINT "trajectories_rubric_id_fkey" FOREIGN KEY ("rubric_id") REFERENCES "rubrics"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "steps" ADD CONSTRAINT "steps_trajectory_pk_fkey" FOREIGN KEY ("trajectory_pk") REFERENCES "trajectories"("pk") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "judgments" ADD CONSTRAINT "judgments_trajectory_pk_fkey" FOREIGN KEY ("trajectory_pk") REFERENCES "trajectories"("pk") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "labels" ADD CONSTRAINT "labels_judgment_id_fkey" FOREIGN KEY ("judgment_id") REFERENCES "judgments"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "labels" ADD CONSTRAINT "labels_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "queue_items" ADD CONSTRAINT "queue_items_queue_id_fkey" FOREIGN KEY ("queue_id") REFERENCES "annotation_queues"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "queue_items" ADD CONSTRAINT "queue_items_judgment_id_fkey" FOREIGN KEY ("judgment_id") REFERENCES "judgments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "queue_assignments" ADD CONSTRAINT "queue_assignments_item_id_fkey" FOREIGN KEY ("item_id") REFERENCES "queue_items"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "queue_assignments" ADD CONSTRAINT "queue_assignments_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "run_stats" ADD CONSTRAINT "run_stats_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Human labels are append-only: a correction is a new label, never an edit of an old one.
CREATE FUNCTION "labels_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'labels are append-only: % of label % refused', TG_OP, OLD.id
    USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE TRIGGER "labels_append_only"
  BEFORE UPDATE OR DELETE ON "labels"
  FOR EACH ROW EXECUTE FUNCTION "labels_append_only"();
