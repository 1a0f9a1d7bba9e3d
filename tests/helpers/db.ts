// A fresh, migrated database for one test file: `const db = useTestDatabase()` at the top of a file.
import { afterAll, beforeAll, inject } from 'vitest';
import type pg from 'pg';
import { createTestDatabase, type TestDatabase } from '@/lib/db/testing';
import { closePool, getPool } from '@/lib/db/pool';

export function useTestDatabase(label = 'it'): { readonly url: string; pool(): pg.Pool } {
  let db: TestDatabase | null = null;
  beforeAll(async () => {
    db = await createTestDatabase(inject('adminUrl'), inject('template'), label);
    process.env.DATABASE_URL = db.url;
  });
  afterAll(async () => {
    await closePool();
    await db?.drop();
  });
  return {
    get url() {
      if (!db) throw new Error('the test database exists only inside tests');
      return db.url;
    },
    pool: () => getPool(),
  };
}
