-- Every timestamp column becomes timestamptz, keeping each stored instant.
--
-- Until now the columns had no time zone. The database filled them (DEFAULT CURRENT_TIMESTAMP, now())
-- with the wall-clock time of the session's TimeZone, which for the app was the server's (or the
-- database's, or the role's) default; the exports then stamped that wall-clock time "Z". A cast from
-- timestamp to timestamptz reads the value in the session's TimeZone, which is exactly
-- `col AT TIME ZONE current_setting('TimeZone')`: lib/db/migrate.ts opens its connections without
-- pinning TimeZone, so the session here has the zone the app's sessions had. On a server whose zone
-- is UTC, PostgreSQL changes the type without rewriting the table.
--
-- One exception: labels restored by ingest from an export's meta.routelens were written as UTC
-- (`created_at::timestamptz AT TIME ZONE 'UTC'`). Those are the labels with no user that are not the
-- local user's (sign-in off writes author 'local' with no user); they are read as UTC.

-- AlterTable
ALTER TABLE "annotation_queues" ALTER COLUMN "created_at" SET DATA TYPE TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "api_keys" ALTER COLUMN "created_at" SET DATA TYPE TIMESTAMPTZ(3),
ALTER COLUMN "last_used_at" SET DATA TYPE TIMESTAMPTZ(3),
ALTER COLUMN "revoked_at" SET DATA TYPE TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "labels" ALTER COLUMN "created_at" SET DATA TYPE TIMESTAMPTZ(3)
  USING CASE WHEN "user_id" IS NULL AND "author" <> 'local' THEN "created_at" AT TIME ZONE 'UTC'
             ELSE "created_at" AT TIME ZONE current_setting('TimeZone') END;

-- AlterTable
ALTER TABLE "queue_assignments" ALTER COLUMN "leased_until" SET DATA TYPE TIMESTAMPTZ(3),
ALTER COLUMN "done_at" SET DATA TYPE TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "runs" ALTER COLUMN "created_at" SET DATA TYPE TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "sessions" ALTER COLUMN "created_at" SET DATA TYPE TIMESTAMPTZ(3),
ALTER COLUMN "expires_at" SET DATA TYPE TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "trajectories" ALTER COLUMN "ingested_at" SET DATA TYPE TIMESTAMPTZ(3),
ALTER COLUMN "updated_at" SET DATA TYPE TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "users" ALTER COLUMN "created_at" SET DATA TYPE TIMESTAMPTZ(3),
ALTER COLUMN "disabled_at" SET DATA TYPE TIMESTAMPTZ(3);
