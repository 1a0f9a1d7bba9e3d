import { defineConfig } from 'prisma/config';

// The CLI reads the database from DATABASE_URL. routelens itself applies migrations through
// scripts/migrate.ts (the schema engine's WASM build), which needs no download; `prisma migrate deploy`
// works too wherever Prisma's native engine can be had.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations', seed: 'tsx scripts/seed.ts' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/routelens' },
});
