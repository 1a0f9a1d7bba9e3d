// docs/operations.md's backup and restore procedure, run for real: pg_dump of a database with
// trajectories and human labels, pg_restore into an empty database, and everything is there —
// including the trigger that keeps labels append-only.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import pg from 'pg';
import { createTestDatabase } from '@/lib/db/testing';
import { closePool, withTransaction } from '@/lib/db/pool';
import { applyMigrations } from '@/lib/db/migrate';
import { freePort } from '@/scripts/free-port';
import { recomputeTrajectory } from '@/lib/db/derived';
import { renderJsonl, generateTraces } from '@/lib/generate';
import { useTestDatabase } from './helpers/db';
import { ingestText } from './helpers/trace';

const db = useTestDatabase('backup');

/** The major version of a PostgreSQL client tool, or null when it cannot be run. */
function toolMajor(tool: string): number | null {
  try {
    const v = execFileSync(tool, ['--version'], { encoding: 'utf8' });
    const n = Number(/(\d+)\.\d+/.exec(v)?.[1] ?? NaN);
    return Number.isInteger(n) ? n : null;
  } catch {
    return null;
  }
}

/**
 * pg_dump refuses a server newer than itself, so the procedure needs client tools of at least the
 * server's major version: the ones on PATH, else an installed PostgreSQL's (Debian and PGDG put each
 * version in /usr/lib/postgresql/<major>/bin, Red Hat in /usr/pgsql-<major>/bin, Homebrew in
 * /opt/homebrew/opt/postgresql@<major>/bin). The newest pair that can dump the server wins.
 */
function pgTools(serverMajor: number): { dump: string; restore: string; major: number } | { missing: string } {
  const installed = (base: string, prefix: string) => {
    try {
      return fs
        .readdirSync(base)
        .filter((d) => d.startsWith(prefix))
        .map((d) => path.join(base, d, 'bin'));
    } catch {
      return [];
    }
  };
  const dirs = [
    '',
    ...installed('/usr/lib/postgresql', ''),
    ...installed('/usr', 'pgsql-'),
    ...installed('/opt/homebrew/opt', 'postgresql'),
    ...installed('/usr/local/opt', 'postgresql'),
  ];
  const found: { dump: string; restore: string; major: number }[] = [];
  for (const dir of dirs) {
    const dump = dir ? path.join(dir, 'pg_dump') : 'pg_dump';
    const restore = dir ? path.join(dir, 'pg_restore') : 'pg_restore';
    const major = toolMajor(dump);
    if (major !== null && toolMajor(restore) === major) found.push({ dump, restore, major });
  }
  const usable = found.filter((t) => t.major >= serverMajor).sort((a, b) => b.major - a.major)[0];
  if (usable) return usable;
  const seen = found.map((t) => `${t.dump} (${t.major})`).join(', ') || 'none';
  return {
    missing:
      `this test needs pg_dump and pg_restore of PostgreSQL ${serverMajor} or newer to back up the test server (PostgreSQL ${serverMajor}); ` +
      `found: ${seen}. Install PostgreSQL ${serverMajor}'s client tools (Debian/Ubuntu with the PGDG repository: apt-get install postgresql-client-${serverMajor}), ` +
      'or run the tests with DATABASE_URL pointing at a local server that the installed pg_dump can dump (docs/operations.md, Backup and restore).',
  };
}

async function serverMajor(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const v = (await c.query('SHOW server_version_num')).rows[0].server_version_num as string;
  await c.end();
  return Math.floor(Number(v) / 10000);
}

/**
 * A throwaway PostgreSQL cluster of version `major` from its installed server binaries (Debian's
 * /usr/lib/postgresql/<major>/bin has initdb, pg_ctl and postgres next to pg_dump), on a free port with
 * trust auth, run as the postgres user when we are root (initdb refuses root). For a test server that
 * the installed client tools cannot dump (the embedded PostgreSQL is newer than the distribution's):
 * the procedure is then checked on a server of the tools' own version. Null when there are no such
 * binaries.
 */
async function localCluster(major: number): Promise<{ adminUrl: string; tools: { dump: string; restore: string }; stop(): void } | null> {
  const bin = [
    `/usr/lib/postgresql/${major}/bin`,
    `/usr/pgsql-${major}/bin`,
    `/opt/homebrew/opt/postgresql@${major}/bin`,
    `/usr/local/opt/postgresql@${major}/bin`,
  ].find((d) => ['initdb', 'pg_ctl', 'postgres', 'pg_dump', 'pg_restore'].every((b) => fs.existsSync(path.join(d, b))));
  if (!bin) return null;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'routelens-backup-pg-'));
  fs.chmodSync(dir, 0o755);
  const asPostgres = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
  const run = (cmd: string, args: string[]) =>
    asPostgres.length ? execFileSync(asPostgres[0]!, [...asPostgres.slice(1), cmd, ...args], { stdio: 'pipe' }) : execFileSync(cmd, args, { stdio: 'pipe' });
  if (asPostgres.length) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    fs.chownSync(dir, uid, gid);
  }
  const data = path.join(dir, 'data');
  const port = await freePort();
  run(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  run(path.join(bin, 'pg_ctl'), [
    '-D',
    data,
    '-w',
    '-l',
    path.join(dir, 'log'),
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
    'start',
  ]);
  return {
    adminUrl: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    tools: { dump: path.join(bin, 'pg_dump'), restore: path.join(bin, 'pg_restore') },
    stop() {
      try {
        run(path.join(bin, 'pg_ctl'), ['-D', data, '-w', '-m', 'fast', 'stop']);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

const TABLES = ['models', 'runs', 'queries', 'rubrics', 'criteria', 'trajectories', 'steps', 'judgments', 'labels', 'run_stats', 'run_model_stats'];

async function fingerprint(url: string): Promise<Record<string, string>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const out: Record<string, string> = {};
  for (const t of TABLES) {
    const r = await c.query(`SELECT count(*)::text || ':' || coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '') AS f FROM ${t} x`);
    out[t] = r.rows[0].f;
  }
  await c.end();
  return out;
}

describe('backup and restore', () => {
  it('finds client tools that can dump the server, or says which are missing', () => {
    const none = pgTools(99);
    expect('missing' in none && none.missing).toMatch(/PostgreSQL 99 or newer.*postgresql-client-99/);
  });

  it('pg_dump and pg_restore carry every trajectory, label and the append-only trigger', async () => {
    // Never skipped: without tools that can dump this server, the procedure that docs/operations.md
    // promises cannot be checked here, and that is a failure that says what to install.
    const found = pgTools(await serverMajor(db.url));
    let tools: { dump: string; restore: string } | null = 'missing' in found ? null : found;
    let adminUrl = inject('adminUrl');
    let local: Awaited<ReturnType<typeof localCluster>> = null;
    if (!tools) {
      // The test server is newer than the installed tools: a cluster of the newest tools' own version.
      const newest = pgTools(0);
      local = 'missing' in newest ? null : await localCluster(newest.major);
      if (!local) throw new Error((found as { missing: string }).missing);
      tools = local.tools;
      adminUrl = local.adminUrl;
      const source = await createTestDatabase(adminUrl, 'template0', 'backup');
      await applyMigrations(source.url);
      process.env.DATABASE_URL = source.url;
      await closePool();
    }
    try {
      await backupAndRestore(tools, adminUrl, process.env.DATABASE_URL!);
    } finally {
      if (local) {
        await closePool();
        process.env.DATABASE_URL = db.url;
        local.stop();
      }
    }
  });
});

async function backupAndRestore(tools: { dump: string; restore: string }, adminUrl: string, url: string): Promise<void> {
  {
    const s = await ingestText(renderJsonl(generateTraces({ seed: 2, queries: 10 })));
    expect(s.failed).toBe(0);
    await withTransaction(async (c) => {
      const j = (await c.query('SELECT j.item_id, j.trajectory_pk FROM judgments j ORDER BY j.id LIMIT 1')).rows[0];
      await c.query("INSERT INTO labels (item_id, version, score, author) VALUES ($1, 1, $2, 'ann')", [j.item_id, 0]);
      await c.query('UPDATE items SET version = 1 WHERE id = $1', [j.item_id]);
      await recomputeTrajectory(c, j.trajectory_pk);
    });
    const before = await fingerprint(url);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'routelens-backup-'));
    const file = path.join(dir, 'routelens.dump');
    try {
      execFileSync(tools.dump, ['--format=custom', '--no-owner', `--file=${file}`, `--dbname=${url}`]);
      const target = await createTestDatabase(adminUrl, 'template0', 'restore');
      try {
        execFileSync(tools.restore, ['--no-owner', '--exit-on-error', `--dbname=${target.url}`, file]);
        expect(await fingerprint(target.url)).toEqual(before);
        const c = new pg.Client({ connectionString: target.url });
        await c.connect();
        try {
          await expect(c.query('DELETE FROM labels')).rejects.toThrow(/append-only/);
          const migrations = await c.query('SELECT count(*)::int AS n FROM _prisma_migrations WHERE finished_at IS NOT NULL');
          expect(migrations.rows[0].n).toBeGreaterThan(0);
        } finally {
          await c.end();
        }
      } finally {
        await target.drop();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
}
