// The query parameters of DELETE /api/runs/{id} and DELETE /api/trajectories/{id}.
import { z } from 'zod';
import { paramsObject } from './filters';

const schema = z.object({
  with_labels: z.enum(['true', 'false'], { error: 'must be true or false' }).default('false'),
});

/** Throws the ZodError of a bad parameter (a 400 naming it). */
export function parseDeletionParams(params: URLSearchParams): { withLabels: boolean } {
  return { withLabels: schema.parse(paramsObject(params, ['with_labels'])).with_labels === 'true' };
}
