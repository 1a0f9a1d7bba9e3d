// The local mode stays local: with sign-in off `npm start` refuses to serve the network, an
// unrecognised ROUTELENS_AUTH is an error (not "off"), and API keys made with sign-in off belong to a
// real account, never to the passwordless local user.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { getPool } from '@/lib/db/pool';
import { createUser, userIdOf } from '@/lib/server/users';
import { LOCAL_ACTOR, signInRequired } from '@/lib/server/auth';
import { listenProblem } from '@/lib/server/request-guard';
import { call, json } from './helpers/api';
import { useTestDatabase } from './helpers/db';

useTestDatabase('localmode');
const ROOT = path.resolve(import.meta.dirname, '..');

/** `npm start` with these settings and no DATABASE_URL (the embedded default). */
function serve(env: Record<string, string>) {
  const clean = { ...process.env };
  delete clean.DATABASE_URL;
  delete clean.ROUTELENS_AUTH;
  delete clean.HOST;
  const r = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['--conditions=react-server', 'scripts/serve.ts'], {
    cwd: ROOT,
    env: { ...clean, PORT: '3209', ROUTELENS_EMBEDDED_PORT: '54349', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('npm start with sign-in off', () => {
  it('refuses a HOST that is not a loopback address, and says how to turn sign-in on', () => {
    const r = serve({ HOST: '0.0.0.0' });
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/HOST=0\.0\.0\.0 would serve the network while sign-in is off/);
    expect(r.out).toMatch(/ROUTELENS_AUTH=on/);
    expect(r.out).not.toMatch(/creating an embedded PostgreSQL|applied migrations/);
  }, 90_000);

  it('refuses a ROUTELENS_AUTH it does not know, instead of reading it as off', () => {
    const r = serve({ ROUTELENS_AUTH: 'enabled' });
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/ROUTELENS_AUTH=enabled is neither on nor off/);
  }, 90_000);

  it('decides by address, whatever the spelling', () => {
    for (const host of ['127.0.0.1', 'localhost', '::1', '[::1]', '127.0.0.2']) expect(listenProblem(host, false), host).toBeNull();
    for (const host of ['0.0.0.0', '::', '192.168.1.5', 'myhost.lan']) expect(listenProblem(host, false), host).toMatch(/would serve the network/);
    for (const host of ['0.0.0.0', '::']) expect(listenProblem(host, true)).toBeNull();
  });
});

describe('ROUTELENS_AUTH', () => {
  it('is on or off; anything else fails every request closed instead of opening the API', async () => {
    process.env.ROUTELENS_EMBEDDED = 'true';
    try {
      for (const [v, on] of [
        ['on', true],
        ['ON', true],
        ['true', true],
        ['1', true],
        ['off', false],
        ['false', false],
        ['', false],
      ] as const) {
        process.env.ROUTELENS_AUTH = v;
        expect(signInRequired(), v).toBe(on);
      }
      process.env.ROUTELENS_AUTH = 'enabled';
      expect(() => signInRequired()).toThrow(/neither on nor off/);
      const { GET } = await import('@/app/api/users/route');
      expect((await call(GET)).status).toBe(500);
    } finally {
      delete process.env.ROUTELENS_AUTH;
      process.env.ROUTELENS_EMBEDDED = 'false';
    }
  });
});

describe('an API key made with sign-in off', () => {
  it('belongs to an admin who can sign in, and works once sign-in is on', async () => {
    const admin = await createUser({ username: 'admin', role: 'admin', password: 'the first admin password' });
    const { POST } = await import('@/app/api/api-keys/route');
    const me = await import('@/app/api/auth/me/route');
    process.env.ROUTELENS_EMBEDDED = 'true';
    let key: string;
    try {
      const res = await call(POST, { method: 'POST', body: { name: 'script' } });
      expect(res.status).toBe(201);
      const made = await json<{ api_key: { user_id: number; username: string; key: string } }>(res);
      expect(made.api_key.user_id).toBe(admin.id);
      expect(made.api_key.username).toBe('admin');
      key = made.api_key.key;
      // Naming the passwordless local user is refused.
      const localId = await userIdOf(getPool(), LOCAL_ACTOR);
      const local = await call(POST, { method: 'POST', body: { name: 'x', user_id: localId } });
      expect(local.status).toBe(400);
      expect((await json<{ error: { message: string } }>(local)).error.message).toMatch(/cannot sign in/);
    } finally {
      process.env.ROUTELENS_EMBEDDED = 'false';
    }
    const asKey = await call(me.GET, { as: { name: 'key', apiKey: key } });
    expect(asKey.status).toBe(200);
    expect((await json<{ user: { username: string } }>(asKey)).user.username).toBe('admin');
  });

  it('of the passwordless local user (made by an older version) does not sign anyone in', async () => {
    const localId = await userIdOf(getPool(), LOCAL_ACTOR);
    const crypto = await import('node:crypto');
    const key = 'rl_' + crypto.randomBytes(24).toString('base64url');
    await getPool().query('INSERT INTO api_keys (user_id, name, prefix, key_hash) VALUES ($1, $2, $3, $4)', [
      localId,
      'old',
      key.slice(0, 11),
      crypto.createHash('sha256').update(key).digest('hex'),
    ]);
    const me = await import('@/app/api/auth/me/route');
    expect((await call(me.GET, { as: { name: 'old key', apiKey: key } })).status).toBe(401);
  });
});
