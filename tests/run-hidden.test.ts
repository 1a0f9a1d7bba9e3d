// PATCH /api/runs/{id} {"hidden": bool}: an admin hides a run from the overview and shows it again.
// GET /api/runs still answers a hidden run (flagged); anyone below admin, a bad body, a cookie write
// without its CSRF token and an unknown run are refused with docs/api.md's statuses, changing nothing.
import { beforeAll, describe, expect, it } from 'vitest';
import { ANONYMOUS, call, signedIn, type Caller } from './helpers/api';
import { useTestDatabase } from './helpers/db';
import { storeSmallFixture } from './helpers/labels';

process.env.ROUTELENS_EMBEDDED = 'false';
const db = useTestDatabase('runhidden');

let admin: Caller;
let viewer: Caller;
let annotator: Caller;
const RUN = 'all-small';

const route = () => import('@/app/api/runs/[id]/route');
const hiddenOf = async (id: string) => (await db.pool().query<{ hidden: boolean }>('SELECT hidden FROM runs WHERE id = $1', [id])).rows[0]?.hidden;

async function patch(id: string, body: unknown, as: Caller, headers?: Record<string, string>) {
  const { PATCH } = await route();
  return call(PATCH, { method: 'PATCH', path: `/api/runs/${encodeURIComponent(id)}`, params: { id }, body, as, headers });
}

beforeAll(async () => {
  await storeSmallFixture();
  admin = await signedIn('root', 'admin');
  viewer = await signedIn('vera', 'viewer');
  annotator = await signedIn('anna', 'annotator');
}, 120_000);

describe('PATCH /api/runs/{id}', () => {
  it('hides a run and shows it again; GET /api/runs flags it', async () => {
    const res = await patch(RUN, { hidden: true }, admin);
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toEqual({ run: { id: RUN, hidden: true } });
    expect(await hiddenOf(RUN)).toBe(true);
    const { GET } = await import('@/app/api/runs/route');
    const listed = (await (await call(GET, { path: '/api/runs', as: viewer })).json()) as { runs: { id: string; hidden: boolean }[] };
    expect(listed.runs.find((r) => r.id === RUN)?.hidden).toBe(true);
    expect(listed.runs.filter((r) => r.id !== RUN).every((r) => !r.hidden)).toBe(true);
    expect((await patch(RUN, { hidden: false }, admin)).status).toBe(200);
    expect(await hiddenOf(RUN)).toBe(false);
  });

  it('refuses anonymous (401), viewers and annotators (403), and a cookie write without its CSRF token (403)', async () => {
    expect((await patch(RUN, { hidden: true }, ANONYMOUS)).status).toBe(401);
    for (const who of [viewer, annotator]) {
      const res = await patch(RUN, { hidden: true }, who);
      expect(res.status, who.name).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    }
    expect((await patch(RUN, { hidden: true }, { ...admin, csrf: undefined })).status).toBe(403);
    expect((await patch(RUN, { hidden: true }, admin, { origin: 'http://evil.example' })).status).toBe(403);
    expect(await hiddenOf(RUN)).toBe(false);
  });

  it('answers a bad body with a 400 naming the field, and another content type with 415', async () => {
    for (const body of [{ hidden: 'yes' }, { hidden: 1 }, { hidden: null }, {}, [true]]) {
      const res = await patch(RUN, body, admin);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const err = ((await res.json()) as { error: { code: string; message: string } }).error;
      expect(err.code).toBe('bad_request');
      if (!Array.isArray(body)) expect(err.message, JSON.stringify(body)).toContain('hidden');
    }
    expect((await patch(RUN, 'not json', admin)).status).toBe(400);
    expect((await patch(RUN, '{"hidden": true}', admin, { 'content-type': 'text/plain' })).status).toBe(415);
    expect(await hiddenOf(RUN)).toBe(false);
  });

  it('answers an unknown run with 404 naming it', async () => {
    const res = await patch('no-such-run', { hidden: true }, admin);
    expect(res.status).toBe(404);
    const err = ((await res.json()) as { error: { code: string; message: string } }).error;
    expect(err.code).toBe('not_found');
    expect(err.message).toContain('no-such-run');
  });

  it('stays hidden when the run is renamed', async () => {
    const { renameRun } = await import('@/lib/server/run-rename');
    expect((await patch(RUN, { hidden: true }, admin)).status).toBe(200);
    await renameRun(RUN, 'all-small-renamed');
    expect(await hiddenOf('all-small-renamed')).toBe(true);
    await renameRun('all-small-renamed', RUN);
    expect((await patch(RUN, { hidden: false }, admin)).status).toBe(200);
  });
});
