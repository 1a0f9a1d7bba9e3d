// The frame every admin CLI (runs, users, seed) runs in: find the database (DATABASE_URL or the
// embedded default), apply pending migrations as the role that owns the schema (on the embedded
// server the app's role owns nothing and could not), run, close the pool, stop an embedded server this
// process started, and turn what was thrown into one line on stderr and an exit code.
import { ZodError } from 'zod';
import { applyMigrations } from '../lib/db/migrate';
import { closePool } from '../lib/db/pool';
import { resolveDatabase } from '../lib/db/resolve';

/** Runs `work` against a migrated database; DATABASE_URL is set to the app's connection meanwhile. */
export async function withMigratedDatabase<T>(work: () => Promise<T>): Promise<T> {
  const db = await resolveDatabase((l) => console.error(l));
  process.env.DATABASE_URL = db.url;
  try {
    await applyMigrations(db.migrateUrl);
    return await work();
  } finally {
    await closePool();
    await db.stop();
  }
}

/** What a CLI prints for an error: a validation error as `path: message` pairs, else its message. */
export function describeError(e: unknown): string {
  if (e instanceof ZodError) return e.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  return e instanceof Error ? e.message : String(e);
}

/** Runs a CLI's main and exits with its code; a thrown error exits with `exitCodeOf(error)` (2 unless told). */
export function runMain(main: () => Promise<number>, exitCodeOf: (e: unknown) => number = () => 2): void {
  main().then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(describeError(e));
      process.exit(exitCodeOf(e));
    },
  );
}
