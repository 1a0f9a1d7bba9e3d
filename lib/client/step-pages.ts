// How the pages of a trajectory fetch its steps: light pages (no texts) as large as the route allows,
// text pages small enough to arrive quickly as rows scroll in. No imports beyond the route's limit,
// so that server components can use them too.
import { STEPS_PAGE_MAX } from '@/lib/schemas/read';

export const LIGHT_PAGE = STEPS_PAGE_MAX;
export const TEXT_PAGE = 100;
