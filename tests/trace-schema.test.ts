// The trace format's JSON Schema ships with routelens (docs/trace.schema.json) and is served at
// GET /api/schemas/trace.v1.json. It accepts every line that the generator writes (demo data, fixtures,
// the e2e's special trajectories) and refuses each line of tests/fixtures/broken.jsonl — which ingest
// refuses too, at the same path, so the schema and the code agree on what a valid line looks like.
import fs from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { DEMO_RUNS, generateTraces, serializeLine } from '@/lib/generate';
import { parseLine } from '@/lib/ingest/pipeline';
import { specialLines } from '@/e2e/special-traces';
import { BROKEN, BROKEN_FIXTURE, renderBroken } from './helpers/broken-lines';
import { baseLine } from './helpers/trace';
import { call } from './helpers/api';

const ROOT = path.resolve(import.meta.dirname, '..');
const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'docs/trace.schema.json'), 'utf8')) as Record<string, unknown>;
const validate = new Ajv2020({ allErrors: false, strict: true }).compile(schema);

function problems(line: unknown): string {
  return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`).join('; ') + ` in ${JSON.stringify(line).slice(0, 200)}`;
}

describe('docs/trace.schema.json', () => {
  it('is a draft 2020-12 schema of routelens.trace.v1', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect((schema.properties as { format: { const: string } }).format.const).toBe('routelens.trace.v1');
  });

  it('accepts every line the generator writes, in every shape it has', () => {
    const texts = [
      ...generateTraces({ seed: 1, queries: 30 }),
      ...generateTraces({ seed: 2, queries: 10, trajectoriesPerQueryPerRun: 3, steps: { min: 1, max: 3 }, textSize: 'short' }),
      ...generateTraces({ seed: 3, queries: 10, withRubrics: false, runs: DEMO_RUNS.slice(0, 1) }),
      ...specialLines(),
    ].map(serializeLine);
    texts.push(...fs.readFileSync(path.join(ROOT, 'tests/fixtures/small.jsonl'), 'utf8').split('\n').filter(Boolean));
    expect(texts.length).toBeGreaterThan(150);
    for (const text of texts) {
      const line = JSON.parse(text) as unknown;
      expect(validate(line), problems(line)).toBe(true);
    }
    expect(validate(baseLine()), problems(baseLine())).toBe(true);
  });

  it('refuses every broken fixture, and ingest refuses each at the path the list names', () => {
    expect(fs.readFileSync(BROKEN_FIXTURE, 'utf8'), 'tests/fixtures/broken.jsonl is stale: npx tsx tests/helpers/broken-lines.ts --write').toBe(renderBroken());
    const lines = fs.readFileSync(BROKEN_FIXTURE, 'utf8').split('\n').filter(Boolean);
    expect(lines).toHaveLength(BROKEN.length);
    lines.forEach((text, i) => {
      const b = BROKEN[i]!;
      expect(validate(JSON.parse(text)), `the schema accepts a line with ${b.why}`).toBe(false);
      const r = parseLine(i + 1, Buffer.from(text));
      const at = r && 'message' in r ? r.path : 'accepted';
      // An ingest that does not know `training` yet refuses it as an unknown key, one level up.
      expect(at === '/training' && b.path.startsWith('/training/') ? b.path : at, `ingest of a line with ${b.why}`).toBe(b.path);
    });
  });

  it('is served at GET /api/schemas/trace.v1.json without sign-in', async () => {
    process.env.ROUTELENS_EMBEDDED = 'false';
    const { GET } = await import('@/app/api/schemas/trace.v1.json/route');
    const res = await call(GET, { path: '/api/schemas/trace.v1.json' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/schema\+json/);
    expect(await res.json()).toEqual(schema);
  });
});
