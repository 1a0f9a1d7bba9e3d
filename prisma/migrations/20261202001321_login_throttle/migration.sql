-- The sign-in throttle moves from each app process's memory to this table, so that several
-- instances share one count (lib/server/login-throttle.ts). It starts empty: nothing to carry over.

-- CreateTable
CREATE TABLE "login_attempts" (
    "key" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "login_attempts_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "login_attempts_started_at_idx" ON "login_attempts"("started_at");
