// What an API key's scope lets it call. A key never does more than its owner's role allows; its scope
// narrows that: `full` is the owner's role, `read` the reads a viewer has, `label` those and the
// annotator's routes (labels, queues), `ingest` only the routes that name it (POST /api/ingest and
// the run routes a training job reads to check its work). Sessions and the local user have no scope.
import type { KeyScope } from '@/lib/schemas/users';
import type { Role } from './auth';

export type { KeyScope };

export interface ScopedRoute {
  role: Role | 'public';
  method: string;
  /** Narrow scopes that this route lets in besides the ones its role and method give. */
  scopes?: readonly KeyScope[];
}

const READS = new Set(['GET', 'HEAD']);

export function scopeAllows(scope: KeyScope, r: ScopedRoute): boolean {
  if (scope === 'full' || r.role === 'public') return true;
  if (r.scopes?.includes(scope)) return true;
  if (scope === 'read') return r.role === 'viewer' && READS.has(r.method);
  if (scope === 'label') return (r.role === 'viewer' && READS.has(r.method)) || r.role === 'annotator';
  return false;
}
