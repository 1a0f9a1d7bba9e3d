// The demo data that the embedded default loads on its first start: the generator's three runs
// (all-small, an outcome-reward router, a rubric-reward router) over a few hundred math queries, and
// two GRPO training runs of one router over the same batches of those queries (40 steps x 16 queries
// x 8 rollouts each): one rewarded by the outcome alone, one RoRo-style with process rewards.
import { Readable } from 'node:stream';
import { generateTraces, generateTrainingTraces } from '@/lib/generate';
import { ingestStream, type IngestSummary } from '@/lib/ingest/pipeline';

export function demoLines(): Readable {
  return Readable.from(
    (function* () {
      for (const line of generateTraces({ seed: 42 })) yield Buffer.from(JSON.stringify(line) + '\n');
      for (const line of generateTrainingTraces({ seed: 42 })) yield Buffer.from(JSON.stringify(line) + '\n');
    })(),
  );
}

export async function loadDemoData(): Promise<IngestSummary> {
  return ingestStream(demoLines());
}
