// Every route of app/api, called by every kind of caller with sign-in on: anonymous gets 401, a
// signed-in person below the route's role gets 403, and at or above it the role check lets them in.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROLE_RANK, type Role } from '@/lib/server/auth';
import { createApiKey } from '@/lib/server/api-keys';
import { ANONYMOUS, bodyOf, call, signedIn, type Caller } from './helpers/api';
import { useTestDatabase } from './helpers/db';

process.env.ROUTELENS_EMBEDDED = 'false';
useTestDatabase('authroutes');

const API_DIR = path.resolve(import.meta.dirname, '..', 'app', 'api');
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

function routeFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return routeFiles(p);
    return e.name === 'route.ts' ? [p] : [];
  });
}

/** The URL path of a route file, e.g. /api/judgments/[id]/labels. */
const urlPath = (file: string) => '/api/' + path.relative(API_DIR, path.dirname(file)).split(path.sep).join('/');

/** A value for every dynamic segment: the role check comes before anything looks at it. */
function paramsOf(route: string): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = {};
  for (const m of route.matchAll(/\[(\.\.\.)?([^\]]+)\]/g)) params[m[2]!] = m[1] ? ['1'] : '1';
  return params;
}

/** Roles that the contract fixes; a route left out only has to refuse callers below its own role. */
const EXPECTED: Record<string, Role | 'public'> = {
  'POST /api/auth/login': 'public',
  'POST /api/auth/logout': 'public',
  'GET /api/auth/me': 'viewer',
  'GET /api/users': 'admin',
  'POST /api/users': 'admin',
  'PATCH /api/users/[id]': 'admin',
  'GET /api/api-keys': 'admin',
  'POST /api/api-keys': 'admin',
  'DELETE /api/api-keys/[id]': 'admin',
  'POST /api/ingest': 'admin',
  'DELETE /api/runs/[id]': 'admin',
  'PATCH /api/runs/[id]': 'admin',
  'DELETE /api/trajectories/[id]': 'admin',
  'GET /api/judgments/[id]/labels': 'viewer',
  'POST /api/judgments/[id]/labels': 'annotator',
  'POST /api/judgments/[id]/revert': 'annotator',
  'POST /api/trajectories/[id]/judgments': 'annotator',
  'GET /api/queues': 'viewer',
  'POST /api/queues': 'admin',
  'GET /api/queues/[id]': 'viewer',
  'POST /api/queues/[id]/next': 'annotator',
  'GET /api/queues/[id]/items/[item]': 'viewer',
  'POST /api/queues/[id]/items/[item]/release': 'annotator',
  'GET /api/agreement': 'viewer',
};

interface Endpoint {
  key: string;
  route: string;
  method: string;
  role: Role | 'public';
  handler: unknown;
}

const endpoints: Endpoint[] = [];
const callers: Record<Role, Caller> = {} as Record<Role, Caller>;

beforeAll(async () => {
  for (const file of routeFiles(API_DIR).sort()) {
    const mod = (await import(file)) as Record<string, unknown>;
    const route = urlPath(file);
    for (const method of METHODS) {
      const handler = mod[method];
      if (handler === undefined) continue;
      const role = (handler as { routelensRole?: Role | 'public' }).routelensRole;
      endpoints.push({ key: `${method} ${route}`, route, method, role: role as Role | 'public', handler });
    }
  }
  for (const role of ['viewer', 'annotator', 'admin'] as const) callers[role] = await signedIn(`${role}-user`, role);
}, 120_000);

describe('every route of app/api', () => {
  it('finds the routes of the tree, each method made by route() with a role', () => {
    expect(endpoints.length).toBeGreaterThanOrEqual(Object.keys(EXPECTED).length);
    for (const e of endpoints) expect(e.role, `${e.key} has no routelensRole: make it with route({ role }, ...)`).toMatch(/^(public|viewer|annotator|admin)$/);
  });

  it('has the roles that the contract fixes', () => {
    const found = Object.fromEntries(endpoints.map((e) => [e.key, e.role]));
    for (const [key, role] of Object.entries(EXPECTED)) expect(found[key], key).toBe(role);
  });

  it('lets no viewer write: every method but GET/HEAD needs annotator or more', () => {
    for (const e of endpoints) {
      if (e.method === 'GET' || e.method === 'HEAD' || e.role === 'public') continue;
      expect(ROLE_RANK[e.role], `${e.key} lets a viewer write`).toBeGreaterThanOrEqual(ROLE_RANK.annotator);
    }
  });

  it('answers 401 to anonymous, 403 below the role, and lets the role and above through', async () => {
    const table: string[] = [];
    for (const e of endpoints.filter((x) => x.role !== 'public')) {
      const params = paramsOf(e.route);
      const anon = await call(e.handler, { method: e.method, path: e.route, params, as: ANONYMOUS });
      table.push(`${e.key} anonymous ${anon.status}`);
      expect(anon.status, `${e.key} as anonymous`).toBe(401);
      for (const role of ['viewer', 'annotator', 'admin'] as const) {
        const res = await call(e.handler, { method: e.method, path: e.route, params, as: callers[role] });
        const below = ROLE_RANK[role] < ROLE_RANK[e.role as Role];
        table.push(`${e.key} ${role} ${res.status}`);
        if (below) {
          expect(res.status, `${e.key} as ${role}`).toBe(403);
          expect(((await res.json()) as { error: { code: string } }).error.code).toBe('forbidden');
        } else {
          expect([401, 403], `${e.key} as ${role} (${res.status}: ${await bodyOf(res)})`).not.toContain(res.status);
        }
      }
    }
    expect(table.length).toBeGreaterThan(0);
  });

  it('refuses a cookie write without the x-csrf-token header, and does not ask it of API keys', async () => {
    const admin = callers.admin;
    const writes = endpoints.filter((e) => e.method !== 'GET' && e.method !== 'HEAD' && e.role !== 'public');
    expect(writes.length).toBeGreaterThan(0);
    for (const e of writes) {
      const res = await call(e.handler, { method: e.method, path: e.route, params: paramsOf(e.route), as: { ...admin, csrf: undefined } });
      expect(res.status, e.key).toBe(403);
      const wrong = await call(e.handler, { method: e.method, path: e.route, params: paramsOf(e.route), as: { ...admin, csrf: 'x'.repeat(32) } });
      expect(wrong.status, e.key).toBe(403);
    }
    const users = await import('@/app/api/users/route');
    const key = await createApiKey((callers.admin as Caller & { userId: number }).userId, 'script');
    const viaKey = await call(users.POST, {
      method: 'POST',
      path: '/api/users',
      body: { username: 'by-key', role: 'viewer' },
      as: { name: 'key', apiKey: key.key },
    });
    expect(viaKey.status).toBe(201);
  });

  it('gives an API key its owner role, and refuses revoked and made-up keys', async () => {
    const annotator = callers.annotator as Caller & { userId: number };
    const key = await createApiKey(annotator.userId, 'labeller script');
    const users = await import('@/app/api/users/route');
    const me = await import('@/app/api/auth/me/route');
    const asKey = { name: 'key', apiKey: key.key };
    expect((await call(me.GET, { as: asKey })).status).toBe(200);
    expect((await call(users.GET, { as: asKey })).status).toBe(403);
    const revoke = await import('@/app/api/api-keys/[id]/route');
    expect((await call(revoke.DELETE, { method: 'DELETE', params: { id: String(key.id) }, as: callers.admin })).status).toBe(200);
    expect((await call(me.GET, { as: asKey })).status).toBe(401);
    expect((await call(me.GET, { as: { name: 'forged', apiKey: key.key.slice(0, 11) + 'A'.repeat(32) } })).status).toBe(401);
    expect((await call(me.GET, { as: { name: 'junk', apiKey: 'not-a-key' } })).status).toBe(401);
  });
});
