// Hand-written trace lines for tests: a valid base line and ways to bend it.
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { ingestStream, type IngestOptions, type IngestSummary } from '@/lib/ingest/pipeline';

export type Json = Record<string, unknown>;

export const SMALL = { id: 'small', params_b: 1.7, usd_per_mtok_in: 0.1, usd_per_mtok_out: 0.4 };
export const LARGE = { id: 'large', params_b: 32, usd_per_mtok_in: 0.8, usd_per_mtok_out: 3.2 };

/** A valid trajectory whose figures are computed by hand in tests/ingest.test.ts. */
export function baseLine(id = 'r1/q1/0', over: Json = {}): Json {
  return {
    format: 'routelens.trace.v1',
    id,
    run: { id: 'r1', policy: 'roro', meta: { z: 1, a: 2 } },
    query: { id: 'q1', benchmark: 'MATH500', text: 'Find $x$ if $2x=4$.', reference_answer: '2' },
    models: [SMALL, LARGE],
    steps: [
      { index: 0, model: 'small', text: 'Let $x$ be the unknown.', tokens_in: 100, tokens_out: 50 },
      {
        index: 1,
        model: 'large',
        text: '$$2x = 4$$\n\tso x = 2',
        tokens_in: 200,
        tokens_out: 100,
        latency_ms: 250,
        router: { probs: { small: 0.3, large: 0.7 } },
        cost_usd: null,
      },
    ],
    final_answer: '2',
    correct: true,
    rubric: {
      id: 'q1/rubric',
      generator: 'rubricor-v3',
      criteria: [
        { id: 'c1', text: 'The crux goes to the large model.', weight: 2, scale: { kind: 'binary' } },
        { id: 'c2', text: 'Arithmetic stays small.', weight: 1, scale: { kind: 'numeric', min: 0, max: 10 } },
        { id: 'c3', text: 'No wasted steps.', weight: 1, scale: { kind: 'ternary' } },
      ],
    },
    judgments: [
      { criterion: 'c1', steps: [1], score: 1, rationale: 'Step 1 sets up $2x=4$ on large.', judge: 'judge-v2' },
      { criterion: 'c2', score: 5 },
    ],
    meta: { seed: 7, note: 'kept as given' },
    ...over,
  };
}

export function jsonl(lines: (Json | string)[]): string {
  return lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n';
}

export function source(text: string | Buffer, gzip = false): Readable {
  const buf = typeof text === 'string' ? Buffer.from(text) : text;
  return Readable.from([gzip ? gzipSync(buf) : buf]);
}

export function ingestText(text: string | Buffer, opts: IngestOptions = {}): Promise<IngestSummary> {
  return ingestStream(source(text), opts);
}

/** Deep clone with a change at a path: set(line, ['steps', 0, 'model'], 'x'); undefined deletes. */
export function withChange(line: Json, path: (string | number)[], value: unknown): Json {
  const copy = structuredClone(line);
  let cur: Record<string | number, unknown> = copy;
  for (const p of path.slice(0, -1)) cur = cur[p] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (value === undefined) delete cur[last];
  else cur[last] = value;
  return copy;
}
