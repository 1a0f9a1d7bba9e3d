// docs/api.md's error table lists every error code the code can answer with, and no other: the codes
// of ApiError (lib/server/errors.ts) and of the request guard (lib/server/request-guard.ts), each with
// the status the code gives it.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiError, type ErrorCode } from '@/lib/server/errors';

const ROOT = path.resolve(import.meta.dirname, '..');
const read = (rel: string) => fs.readFileSync(path.join(ROOT, rel), 'utf8');

/** The members of the ErrorCode union, read from its source so that a new code cannot be missed. */
function codesOfErrorsTs(): ErrorCode[] {
  const src = read('lib/server/errors.ts');
  const union = /export type ErrorCode =([^;]+);/.exec(src)?.[1] ?? '';
  return [...union.matchAll(/'([a-z_]+)'/g)].map((m) => m[1] as ErrorCode);
}

/** status and code of each row of the table under "Errors" in docs/api.md. */
function documented(): Map<string, number> {
  const rows = [...read('docs/api.md').matchAll(/^\s*\|\s*(\d{3})\s*\|\s*`([a-z_]+)`\s*\|/gm)];
  return new Map(rows.map((m) => [m[2]!, Number(m[1])]));
}

describe("docs/api.md's error table", () => {
  it('lists every code the code answers with, at its status, and nothing else', () => {
    const codes = codesOfErrorsTs();
    expect(codes.length).toBeGreaterThan(8);
    const guard = [...read('lib/server/request-guard.ts').matchAll(/code: '([a-z_]+)'/g)].map((m) => m[1]!);
    for (const c of guard) expect(codes, `request-guard.ts answers ${c}, which ErrorCode lacks`).toContain(c);
    const doc = documented();
    const want = new Map(codes.map((c) => [c, new ApiError(c, '').status]));
    expect(Object.fromEntries(doc)).toEqual(Object.fromEntries(want));
  });
});
