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
import { withTransaction } from '@/lib/db/pool';
import { recomputeTrajectory } from '@/lib/db/derived';
import { renderJsonl, generateTraces } from '@/lib/generate';
import { useTestDatabase } from './helpers/db';
import { ingestText } from './helpers/trace';

const db = useTestDatabase('backup');

function toolMajor(tool: string): number | null {
  try {
    const v = execFileSync(tool, ['--version'], { encoding: 'utf8' });
    return Number(/(\d+)\.\d+/.exec(v)?.[1] ?? NaN);
  } catch {
    return null;
  }
}

async function serverMajor(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const v = (await c.query('SHOW server_version_num')).rows[0].server_version_num as string;
  await c.end();
  return Math.floor(Number(v) / 10000);
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
  it('pg_dump and pg_restore carry every trajectory, label and the append-only trigger', async (ctx) => {
    const dump = toolMajor('pg_dump');
    const restore = toolMajor('pg_restore');
    const server = await serverMajor(db.url);
    // pg_dump refuses a server newer than itself: then this machine cannot run the procedure at all.
    if (dump === null || restore === null || dump < server) {
      ctx.skip(`pg_dump ${dump ?? 'missing'} cannot dump PostgreSQL ${server} here`);
      return;
    }
    const s = await ingestText(renderJsonl(generateTraces({ seed: 2, queries: 10 })));
    expect(s.failed).toBe(0);
    await withTransaction(async (c) => {
      const j = (await c.query('SELECT j.item_id, j.trajectory_pk FROM judgments j ORDER BY j.id LIMIT 1')).rows[0];
      await c.query("INSERT INTO labels (item_id, version, score, author) VALUES ($1, 1, $2, 'ann')", [j.item_id, 0]);
      await c.query('UPDATE items SET version = 1 WHERE id = $1', [j.item_id]);
      await recomputeTrajectory(c, j.trajectory_pk);
    });
    const before = await fingerprint(db.url);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'routelens-backup-'));
    const file = path.join(dir, 'routelens.dump');
    try {
      execFileSync('pg_dump', ['--format=custom', '--no-owner', `--file=${file}`, `--dbname=${db.url}`]);
      const target = await createTestDatabase(inject('adminUrl'), 'template0', 'restore');
      try {
        execFileSync('pg_restore', ['--no-owner', '--exit-on-error', `--dbname=${target.url}`, file]);
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
  });
});
