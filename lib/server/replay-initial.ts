import 'server-only';
// The first page of a trajectory's steps (with texts) for the replay page's server render, so the
// page arrives with its first steps and the browser knows the step count before its first request,
// and the timeline of all its steps as compact columns, painted while the HTML is parsed. The page is
// the same JSON as GET /api/trajectories/{id}?steps_limit=TEXT_PAGE, and only for a caller that the
// route would let read it; anything else (signed out, not found) leaves the page to fetch it itself.
import { headers } from 'next/headers';
import { TEXT_PAGE } from '@/lib/client/step-pages';
import type { TimelineColumns } from '@/lib/client/timeline-paint';
import { authenticate } from './auth';
import { DEFAULT_VIEW } from '@/lib/schemas/view-settings';
import { toJson, type Json } from './json';
import { getTimelineColumns } from './queries/timeline';
import { getTrajectory, type TrajectoryDetail } from './queries/trajectory';
import { checkJudge } from './view-settings';

export interface InitialReplay {
  page: Json<TrajectoryDetail>;
  timeline: TimelineColumns;
}

export async function initialReplayPage(id: string, judge: string | null = null): Promise<InitialReplay | null> {
  try {
    const actor = await authenticate(new Request('http://routelens.local/', { headers: await headers() }));
    if (!actor) return null;
    await checkJudge(judge);
    const [page, timeline] = await Promise.all([
      getTrajectory(id, { steps_from: 0, steps_limit: TEXT_PAGE, fields: 'full' }, { ...DEFAULT_VIEW, judge }),
      getTimelineColumns(id, judge),
    ]);
    // Through JSON, as the route sends it: dates become strings, nothing but data crosses to the client.
    return { page: toJson(page), timeline };
  } catch {
    return null;
  }
}
