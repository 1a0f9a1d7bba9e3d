// Bodies of the run routes.
import { z } from 'zod';

/** PATCH /api/runs/{id}: whether the overview leaves the run out. */
export const runChangeBodySchema = z.object({
  hidden: z.boolean({ error: 'must be true or false' }),
});
export type RunChange = z.infer<typeof runChangeBodySchema>;
