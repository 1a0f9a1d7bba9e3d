// Requests a stranger can send that once reached PostgreSQL as errors (500): a NUL in a run or
// trajectory id that a write route hands to Prisma. Each is a 4xx that names what is wrong, and
// nothing is written.
import { beforeAll, describe, expect, it } from 'vitest';
import { call, json, signedIn, type Caller } from './helpers/api';
import { useTestDatabase } from './helpers/db';
import { storeSmallFixture } from './helpers/labels';

process.env.ROUTELENS_EMBEDDED = 'false';
const db = useTestDatabase('reviewhostile');

let admin: Caller & { userId: number };
type ErrorBody = { error: { code: string; message: string } };

beforeAll(async () => {
  await storeSmallFixture();
  admin = await signedIn('root', 'admin');
}, 120_000);

async function counts(): Promise<string> {
  const r = await db.pool().query(
    `SELECT (SELECT count(*) FROM runs) r, (SELECT count(*) FROM trajectories) t, (SELECT count(*) FROM api_keys) k,
              (SELECT count(*) FROM labels) l, (SELECT count(*) FROM queue_assignments) a`,
  );
  return JSON.stringify(r.rows[0]);
}

describe('a NUL in a path id of a write route', () => {
  it('is a 400 for PATCH and DELETE of a run and DELETE of a trajectory, never a 500', async () => {
    const runs = await import('@/app/api/runs/[id]/route');
    const trajectories = await import('@/app/api/trajectories/[id]/route');
    const before = await counts();
    const id = 'all-small\u0000x';
    for (const [name, res] of [
      ['PATCH run', await call(runs.PATCH, { method: 'PATCH', params: { id }, body: { hidden: true }, as: admin })],
      ['DELETE run', await call(runs.DELETE, { method: 'DELETE', params: { id }, as: admin })],
      ['DELETE trajectory', await call(trajectories.DELETE, { method: 'DELETE', params: { id }, as: admin })],
    ] as const) {
      const body = await json<ErrorBody>(res.clone());
      expect(res.status, `${name}: ${JSON.stringify(body)}`).toBe(400);
      expect(body.error.code).toBe('bad_request');
      expect(body.error.message).toMatch(/NUL/);
    }
    expect(await counts()).toBe(before);
  });
});
