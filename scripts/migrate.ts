// npm run db:migrate            apply pending migrations (DATABASE_URL, or the embedded default)
// npm run db:migrate:create -- NAME   write a new migration from prisma/schema.prisma
import { applyMigrations, createMigration } from '../lib/db/migrate';
import { resolveDatabase } from '../lib/db/resolve';

async function main(): Promise<number> {
  const [cmd = 'deploy', name] = process.argv.slice(2);
  const db = await resolveDatabase((l) => process.stderr.write(`${l}\n`));
  try {
    if (cmd === 'deploy') {
      const applied = await applyMigrations(db.migrateUrl);
      console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
      return 0;
    }
    if (cmd === 'create') {
      if (!name) {
        console.error('usage: npm run db:migrate:create -- NAME');
        return 2;
      }
      // The shadow database needs CREATE DATABASE: the embedded server's superuser, or DATABASE_URL's role.
      const dir = await createMigration(db.adminUrl ?? db.url, name);
      console.log(dir ? `wrote ${dir}` : 'schema unchanged: no migration written');
      return 0;
    }
    console.error(`unknown command ${cmd}: use deploy or create`);
    return 2;
  } finally {
    await db.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(2);
  },
);
