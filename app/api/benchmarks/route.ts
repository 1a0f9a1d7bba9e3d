import { listBenchmarks } from '@/lib/server/queries/filter-values';
import { route } from '@/lib/server/route';

// The benchmarks that exist, for the filters' pickers (the list, the overview, the exports).
export const GET = route({ role: 'viewer' }, async () => Response.json({ benchmarks: await listBenchmarks() }));
