// `npm test` (and the e2e server, and the benchmarks) create and drop databases on DATABASE_URL's
// server: a server on another machine is refused unless ROUTELENS_TEST_ALLOW_REMOTE_DB says so.
import { afterEach, describe, expect, it } from 'vitest';
import { assertLocalDatabase, isLocalDatabaseUrl, prepareTestServer } from '@/lib/db/testing';

describe('the test database server is on this machine', () => {
  it.each([
    'postgresql://postgres@127.0.0.1:5432/postgres',
    'postgresql://postgres@127.0.0.2:5432/postgres',
    'postgresql://postgres@localhost/postgres',
    'postgres://u:p@[::1]:5433/db',
    'postgresql://postgres@localhost/postgres?host=/var/run/postgresql',
    'postgresql:///postgres',
  ])('takes %s as local', (url) => {
    expect(isLocalDatabaseUrl(url)).toBe(true);
    expect(() => assertLocalDatabase(url, {})).not.toThrow();
  });

  it.each([
    'postgresql://postgres@db.example:5432/postgres',
    'postgresql://postgres@10.0.0.5/postgres',
    'postgresql://postgres@localhost.example.org/postgres',
    'postgresql://postgres@127.0.0.1.nip.io/postgres',
    'postgresql://postgres@127.0.0.1/postgres?host=db.example',
  ])('refuses %s, and names the setting that allows it', (url) => {
    expect(isLocalDatabaseUrl(url)).toBe(false);
    expect(() => assertLocalDatabase(url, {})).toThrow(/refusing to run tests against the database server.*ROUTELENS_TEST_ALLOW_REMOTE_DB=1/);
    expect(() => assertLocalDatabase(url, { ROUTELENS_TEST_ALLOW_REMOTE_DB: '1' })).not.toThrow();
    expect(() => assertLocalDatabase(url, { ROUTELENS_TEST_ALLOW_REMOTE_DB: '0' })).toThrow(/refusing/);
  });

  describe('prepareTestServer', () => {
    const saved = { url: process.env.DATABASE_URL, allow: process.env.ROUTELENS_TEST_ALLOW_REMOTE_DB };
    afterEach(() => {
      process.env.DATABASE_URL = saved.url;
      if (saved.allow === undefined) delete process.env.ROUTELENS_TEST_ALLOW_REMOTE_DB;
      else process.env.ROUTELENS_TEST_ALLOW_REMOTE_DB = saved.allow;
      if (saved.url === undefined) delete process.env.DATABASE_URL;
    });

    it('refuses a remote DATABASE_URL before connecting to it', async () => {
      process.env.DATABASE_URL = 'postgresql://postgres@db.example:5432/postgres';
      delete process.env.ROUTELENS_TEST_ALLOW_REMOTE_DB;
      await expect(prepareTestServer()).rejects.toThrow(/refusing to run tests against the database server at "db.example"/);
    });
  });
});
