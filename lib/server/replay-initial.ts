import 'server-only';
// The first page of a trajectory's steps (with texts) for the replay page's server render, so the
// page arrives with its first steps and the browser knows the step count before its first request.
// The same JSON as GET /api/trajectories/{id}?steps_limit=TEXT_PAGE, and only for a caller that the
// route would let read it; anything else (signed out, not found) leaves the page to fetch it itself.
import { headers } from 'next/headers';
import { TEXT_PAGE } from '@/lib/client/step-pages';
import { authenticate } from './auth';
import { DEFAULT_VIEW } from '@/lib/schemas/view-settings';
import { toJson, type Json } from './json';
import { getTrajectory, type TrajectoryDetail } from './queries/trajectory';
import { checkJudge } from './view-settings';

export async function initialReplayPage(id: string, judge: string | null = null): Promise<Json<TrajectoryDetail> | null> {
  try {
    const actor = await authenticate(new Request('http://routelens.local/', { headers: await headers() }));
    if (!actor) return null;
    await checkJudge(judge);
    const page = await getTrajectory(id, { steps_from: 0, steps_limit: TEXT_PAGE, fields: 'full' }, { ...DEFAULT_VIEW, judge });
    // Through JSON, as the route sends it: dates become strings, nothing but data crosses to the client.
    return toJson(page);
  } catch {
    return null;
  }
}
