// The migrations, applied in order, build exactly the schema that prisma/schema.prisma describes (the
// schema engine's diff, as `npm run db:migrate:create` computes it). A change to schema.prisma without
// its migration, or a migration edited by hand away from the schema, fails here.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { schemaDrift, SCHEMA_PATH } from '@/lib/db/migrate';

describe('prisma/migrations and prisma/schema.prisma', () => {
  it('agree: applying the migrations leaves nothing for a new migration to do', async () => {
    const drift = await schemaDrift(inject('adminUrl'));
    expect(drift, `the migrations do not build prisma/schema.prisma; run npm run db:migrate:create -- <name>:\n${drift}`).toBe('');
  }, 120_000);

  it('disagree as soon as schema.prisma changes without a migration', async () => {
    const schema = fs.readFileSync(SCHEMA_PATH, 'utf8');
    const changed = schema.replace(/^model Run \{\n/m, 'model Run {\n  driftProbe String? @map("drift_probe")\n');
    expect(changed).not.toBe(schema);
    expect(await schemaDrift(inject('adminUrl'), changed)).toMatch(/ALTER TABLE "runs" ADD COLUMN\s+"drift_probe" TEXT/);
  }, 120_000);
});
