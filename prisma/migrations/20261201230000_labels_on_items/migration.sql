-- Human labels move from judgments to items (scoring.md): an item is a trajectory, a criterion and a
-- set of steps, and every judge that scores it shares its labels, its version and its queue entries.
--
-- Nothing is lost: each judgment gets the item of its criterion and step set (order and repeats do
-- not matter), each label moves to its judgment's item with its id, score, rationale, author, user,
-- time and revert; the item's version is its newest label's. Where labels of one item came from
-- more than one judgment (two judges' judgments of the same steps, each labelled), they are merged
-- in the order they were written (created_at, then id) and numbered 1..n again, so that versions stay
-- a sequence per item; everywhere else every label keeps its version. Queue entries move to items with
-- their leases and done marks; two entries of one queue on one item become one (the first by
-- position), keeping each person's newest lease and done mark.

-- The step set of a judgment's steps: distinct, ascending, {} for the trajectory as a whole.
CREATE FUNCTION "step_set"(steps integer[]) RETURNS integer[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT s ORDER BY s), '{}') FROM unnest(steps) AS s
$$;

-- CreateTable
CREATE TABLE "items" (
    "id" SERIAL NOT NULL,
    "trajectory_pk" INTEGER NOT NULL,
    "criterion_id" TEXT NOT NULL,
    "steps" INTEGER[],
    "version" INTEGER NOT NULL DEFAULT 0,
    "content_revision" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "items_pkey" PRIMARY KEY ("id")
);

INSERT INTO "items" ("trajectory_pk", "criterion_id", "steps")
SELECT j."trajectory_pk", j."criterion_id", "step_set"(j."steps")
  FROM "judgments" j
 GROUP BY j."trajectory_pk", j."criterion_id", "step_set"(j."steps")
 ORDER BY j."trajectory_pk", min(j."position");

-- CreateIndex
CREATE UNIQUE INDEX "items_trajectory_pk_criterion_id_steps_key" ON "items"("trajectory_pk", "criterion_id", "steps");

-- Judgments name their item.
ALTER TABLE "judgments" ADD COLUMN "item_id" INTEGER;
UPDATE "judgments" j SET "item_id" = i."id"
  FROM "items" i
 WHERE i."trajectory_pk" = j."trajectory_pk" AND i."criterion_id" = j."criterion_id" AND i."steps" = "step_set"(j."steps");
ALTER TABLE "judgments" ALTER COLUMN "item_id" SET NOT NULL;

-- Labels move to their judgment's item. They are append-only; this move is the one change that the
-- migration makes to stored labels, with the guard off for its duration.
ALTER TABLE "labels" DROP CONSTRAINT "labels_judgment_id_fkey";
DROP INDEX "labels_judgment_id_version_key";
ALTER TABLE "labels" DISABLE TRIGGER "labels_append_only";
ALTER TABLE "labels" ADD COLUMN "item_id" INTEGER,
ADD COLUMN "content_revision" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN "revert_to_judge" TEXT;
UPDATE "labels" l SET "item_id" = j."item_id" FROM "judgments" j WHERE j."id" = l."judgment_id";
ALTER TABLE "labels" ALTER COLUMN "item_id" SET NOT NULL;

WITH merged AS (
  SELECT "item_id" FROM "labels" GROUP BY "item_id" HAVING count(DISTINCT "judgment_id") > 1
), renumbered AS (
  SELECT l."id", row_number() OVER (PARTITION BY l."item_id" ORDER BY l."created_at", l."id") AS "version"
    FROM "labels" l JOIN merged m ON m."item_id" = l."item_id"
)
UPDATE "labels" l SET "version" = r."version" FROM renumbered r WHERE r."id" = l."id";

ALTER TABLE "labels" DROP COLUMN "judgment_id";
ALTER TABLE "labels" ENABLE TRIGGER "labels_append_only";

-- CreateIndex
CREATE UNIQUE INDEX "labels_item_id_version_key" ON "labels"("item_id", "version");

UPDATE "items" i SET "version" = v."version"
  FROM (SELECT "item_id", max("version") AS "version" FROM "labels" GROUP BY "item_id") v
 WHERE v."item_id" = i."id";

ALTER TABLE "judgments" DROP COLUMN "version";

-- Queue entries move to items.
ALTER TABLE "queue_items" DROP CONSTRAINT "queue_items_judgment_id_fkey";
DROP INDEX "queue_items_judgment_id_idx";
DROP INDEX "queue_items_queue_id_judgment_id_key";
ALTER TABLE "queue_items" ADD COLUMN "item_id" INTEGER;
UPDATE "queue_items" q SET "item_id" = j."item_id" FROM "judgments" j WHERE j."id" = q."judgment_id";
ALTER TABLE "queue_items" ALTER COLUMN "item_id" SET NOT NULL;
ALTER TABLE "queue_items" DROP COLUMN "judgment_id";

CREATE TEMPORARY TABLE "queue_item_merge" ON COMMIT DROP AS
SELECT "id", first_value("id") OVER (PARTITION BY "queue_id", "item_id" ORDER BY "position") AS "keep"
  FROM "queue_items";
DELETE FROM "queue_item_merge" WHERE "id" = "keep";

INSERT INTO "queue_assignments" ("item_id", "user_id", "leased_until", "done_at", "label_id")
SELECT DISTINCT ON (x."keep", x."user_id") x."keep", x."user_id", x."leased_until", x."done_at", x."label_id"
  FROM (SELECT m."keep", a.* FROM "queue_assignments" a JOIN "queue_item_merge" m ON m."id" = a."item_id"
        UNION ALL
        SELECT a."item_id", a.* FROM "queue_assignments" a WHERE a."item_id" IN (SELECT "keep" FROM "queue_item_merge")) x
 ORDER BY x."keep", x."user_id", x."done_at" DESC NULLS LAST, x."leased_until" DESC
ON CONFLICT ("item_id", "user_id") DO UPDATE
  SET "leased_until" = EXCLUDED."leased_until", "done_at" = EXCLUDED."done_at", "label_id" = EXCLUDED."label_id";
DELETE FROM "queue_items" WHERE "id" IN (SELECT "id" FROM "queue_item_merge");

-- CreateIndex
CREATE INDEX "judgments_item_id_idx" ON "judgments"("item_id");

-- CreateIndex
CREATE INDEX "queue_items_item_id_idx" ON "queue_items"("item_id");

-- CreateIndex
CREATE UNIQUE INDEX "queue_items_queue_id_item_id_key" ON "queue_items"("queue_id", "item_id");

-- AddForeignKey
ALTER TABLE "items" ADD CONSTRAINT "items_trajectory_pk_fkey" FOREIGN KEY ("trajectory_pk") REFERENCES "trajectories"("pk") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "judgments" ADD CONSTRAINT "judgments_item_id_fkey" FOREIGN KEY ("item_id") REFERENCES "items"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "labels" ADD CONSTRAINT "labels_item_id_fkey" FOREIGN KEY ("item_id") REFERENCES "items"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "queue_items" ADD CONSTRAINT "queue_items_item_id_fkey" FOREIGN KEY ("item_id") REFERENCES "items"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The one definition of "the newest human label of an item" (scoring.md's effective label): every
-- query that needs it calls this, as `LEFT JOIN LATERAL newest_label(i.id) nl ON true`. PostgreSQL
-- inlines it into the query (an index scan of labels_item_id_version_key per item).
CREATE FUNCTION "newest_label"(item integer) RETURNS SETOF "labels" LANGUAGE sql STABLE ROWS 1 AS $$
  SELECT * FROM "labels" WHERE "item_id" = item ORDER BY "version" DESC LIMIT 1
$$;

-- Who a label belongs to: its user when it has one, else its author's name (labels imported, or
-- written before sign-in existed, carry only the name).
CREATE FUNCTION "label_person"(user_id integer, author text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce('user:' || user_id, 'author:' || author)
$$;

-- Each person's newest label of an item (agreement between people, disagreement queues).
CREATE FUNCTION "people_labels"(item integer) RETURNS SETOF "labels" LANGUAGE sql STABLE AS $$
  SELECT DISTINCT ON ("label_person"("user_id", "author")) * FROM "labels" WHERE "item_id" = item
   ORDER BY "label_person"("user_id", "author"), "version" DESC
$$;

-- TRUNCATE skips row triggers: labels refuse it as a statement.
CREATE FUNCTION "labels_no_truncate"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'labels are append-only: TRUNCATE refused';
END;
$$;

CREATE TRIGGER "labels_no_truncate"
  BEFORE TRUNCATE ON "labels"
  FOR EACH STATEMENT EXECUTE FUNCTION "labels_no_truncate"();

-- One open lease per person per queue: taking a lease gives back the person's other open one first
-- (lib/server/queues.ts), under the queue's lock; this refuses a second one from anywhere else.
CREATE FUNCTION "queue_assignments_one_open_lease"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."done_at" IS NULL AND EXISTS (
    SELECT 1 FROM "queue_assignments" a
      JOIN "queue_items" qi ON qi."id" = a."item_id"
     WHERE a."user_id" = NEW."user_id" AND a."item_id" <> NEW."item_id" AND a."done_at" IS NULL
       AND qi."queue_id" = (SELECT "queue_id" FROM "queue_items" WHERE "id" = NEW."item_id")
  ) THEN
    RAISE EXCEPTION 'user % already holds an open lease in this queue', NEW."user_id" USING ERRCODE = 'unique_violation';
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER "queue_assignments_one_open_lease"
  BEFORE INSERT OR UPDATE ON "queue_assignments"
  FOR EACH ROW EXECUTE FUNCTION "queue_assignments_one_open_lease"();
