// Every handler of app/api, found by walking the tree: tests that must hold for every route (roles,
// other websites, NUL in bodies) walk this list, so a new route is covered the day it is added.
import fs from 'node:fs';
import path from 'node:path';
import type { RouteRole } from '@/lib/server/route';

export const API_DIR = path.resolve(import.meta.dirname, '..', '..', 'app', 'api');
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

export interface Endpoint {
  /** e.g. "POST /api/judgments/[id]/labels" */
  key: string;
  route: string;
  method: (typeof METHODS)[number];
  role: RouteRole;
  handler: unknown;
}

function routeFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return routeFiles(p);
    return e.name === 'route.ts' ? [p] : [];
  });
}

export async function apiEndpoints(): Promise<Endpoint[]> {
  const out: Endpoint[] = [];
  for (const file of routeFiles(API_DIR).sort()) {
    const mod = (await import(file)) as Record<string, unknown>;
    const route = '/api/' + path.relative(API_DIR, path.dirname(file)).split(path.sep).join('/');
    for (const method of METHODS) {
      const handler = mod[method];
      if (handler === undefined) continue;
      out.push({ key: `${method} ${route}`, route, method, role: (handler as { routelensRole: RouteRole }).routelensRole, handler });
    }
  }
  return out;
}

export const isWrite = (e: Endpoint) => e.method !== 'GET' && e.method !== 'HEAD';

/** A value for every dynamic segment ("1"), or the ones given. */
export function paramsOf(route: string, values: Record<string, string> = {}): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = {};
  for (const m of route.matchAll(/\[(\.\.\.)?([^\]]+)\]/g)) params[m[2]!] = m[1] ? [values[m[2]!] ?? '1'] : (values[m[2]!] ?? '1');
  return params;
}

/** The URL path with its dynamic segments filled in. */
export function pathOf(route: string, values: Record<string, string> = {}): string {
  return route.replace(/\[(\.\.\.)?([^\]]+)\]/g, (_, _dots, name: string) => encodeURIComponent(values[name] ?? '1'));
}
