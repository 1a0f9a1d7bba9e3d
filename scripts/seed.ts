// npm run db:seed — loads the demo traces (idempotent: a second run changes nothing).
import { resolveDatabase } from '../lib/db/resolve';
import { applyMigrations } from '../lib/db/migrate';
import { closePool } from '../lib/db/pool';
import { loadDemoData } from '../lib/db/demo';

async function main(): Promise<number> {
  const db = await resolveDatabase((l) => console.error(l));
  process.env.DATABASE_URL = db.url;
  try {
    await applyMigrations(db.migrateUrl);
    const s = await loadDemoData();
    console.log(`demo data: stored ${s.stored}, unchanged ${s.unchanged}, failed ${s.failed}`);
    return s.failed > 0 ? 1 : 0;
  } finally {
    await closePool();
    await db.stop();
  }
}

main().then(
  (c) => process.exit(c),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(2);
  },
);
