// Trace lines each broken in one structural way that the JSON Schema (docs/trace.schema.json) can see,
// with what is wrong. tests/fixtures/broken.jsonl holds them, one a line in this order; rewrite it with
//   npx tsx tests/helpers/broken-lines.ts --write
// (tests/trace-schema.test.ts checks that the file and this list agree).
import fs from 'node:fs';
import path from 'node:path';
import { baseLine, withChange, type Json } from './trace';

export interface BrokenLine {
  /** What is wrong, as a person would say it. */
  why: string;
  /** The JSON Pointer of the problem: where ingest reports it. */
  path: string;
  line: Json;
}

const base = (id: string) => baseLine(`broken/${id}`);
const change = (id: string, p: (string | number)[], value: unknown) => withChange(base(id), p, value);

export const BROKEN: BrokenLine[] = [
  { why: 'no format', path: '/format', line: change('format-missing', ['format'], undefined) },
  { why: 'another format version', path: '/format', line: change('format-v2', ['format'], 'routelens.trace.v2') },
  { why: 'an unknown top-level key', path: '/extra', line: change('unknown-key', ['extra'], 1) },
  { why: 'an empty id', path: '/id', line: withChange(base('x'), ['id'], '') },
  { why: 'an id of 201 characters', path: '/id', line: withChange(base('x'), ['id'], 'x'.repeat(201)) },
  { why: 'a run without id', path: '/run/id', line: change('run-id', ['run', 'id'], undefined) },
  { why: 'a query without text', path: '/query/text', line: change('query-text', ['query', 'text'], undefined) },
  { why: 'no models', path: '/models', line: change('models-empty', ['models'], []) },
  { why: 'a model without its input price', path: '/models/0/usd_per_mtok_in', line: change('price-missing', ['models', 0, 'usd_per_mtok_in'], undefined) },
  { why: 'a negative price', path: '/models/1/usd_per_mtok_out', line: change('price-negative', ['models', 1, 'usd_per_mtok_out'], -1) },
  { why: 'no steps', path: '/steps', line: change('steps-empty', ['steps'], []) },
  { why: 'a negative token count', path: '/steps/0/tokens_in', line: change('tokens-negative', ['steps', 0, 'tokens_in'], -1) },
  { why: 'a fractional token count', path: '/steps/0/tokens_out', line: change('tokens-fraction', ['steps', 0, 'tokens_out'], 1.5) },
  { why: 'a step text that is not a string', path: '/steps/0/text', line: change('text-number', ['steps', 0, 'text'], 7) },
  { why: 'an unknown key in a step', path: '/steps/0/cost', line: change('step-key', ['steps', 0, 'cost'], 0.1) },
  { why: 'a router probability above 1', path: '/steps/1/router/probs/large', line: change('prob-above-one', ['steps', 1, 'router', 'probs', 'large'], 1.5) },
  { why: 'a negative given step cost', path: '/steps/1/cost_usd', line: change('cost-negative', ['steps', 1, 'cost_usd'], -0.01) },
  { why: 'the outcome as a string', path: '/correct', line: change('correct-string', ['correct'], 'true') },
  { why: 'a rubric without criteria', path: '/rubric/criteria', line: change('criteria-missing', ['rubric', 'criteria'], undefined) },
  { why: 'a criterion weight of 0', path: '/rubric/criteria/0/weight', line: change('weight-zero', ['rubric', 'criteria', 0, 'weight'], 0) },
  { why: 'an unknown scale kind', path: '/rubric/criteria/0/scale/kind', line: change('scale-kind', ['rubric', 'criteria', 0, 'scale'], { kind: 'likert' }) },
  {
    why: 'a numeric scale without max',
    path: '/rubric/criteria/1/scale/max',
    line: change('scale-max', ['rubric', 'criteria', 1, 'scale'], { kind: 'numeric', min: 0 }),
  },
  { why: 'a judgment without score', path: '/judgments/1/score', line: change('score-missing', ['judgments', 1, 'score'], undefined) },
  { why: 'a negative step index in a judgment', path: '/judgments/0/steps/0', line: change('judgment-step', ['judgments', 0, 'steps'], [-1]) },
  { why: 'meta that is not an object', path: '/meta', line: change('meta-array', ['meta'], [1, 2]) },
  { why: 'training without its step', path: '/training/step', line: change('training-step', ['training'], { group: 'g' }) },
  { why: 'a negative training step', path: '/training/step', line: change('training-negative', ['training'], { step: -1 }) },
];

export const BROKEN_FIXTURE = path.resolve(import.meta.dirname, '..', 'fixtures', 'broken.jsonl');

export function renderBroken(): string {
  return BROKEN.map((b) => JSON.stringify(b.line)).join('\n') + '\n';
}

if (process.argv.includes('--write')) fs.writeFileSync(BROKEN_FIXTURE, renderBroken());
