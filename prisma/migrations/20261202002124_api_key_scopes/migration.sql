-- API keys get a scope, chosen when made. Keys made before this migration keep acting with their
-- owner's role: they become `full` (the column's default fills every existing row).

-- CreateEnum
CREATE TYPE "KeyScope" AS ENUM ('ingest', 'read', 'label', 'full');

-- AlterTable
ALTER TABLE "api_keys" ADD COLUMN     "scope" "KeyScope" NOT NULL DEFAULT 'full';
