import { ReplayPage } from '@/components/replay/replay-page';
import { decodeParam } from '@/lib/client/api';
import { initialReplayPage } from '@/lib/server/replay-initial';

// Trajectory ids hold "/": links encode them as one segment (%2F) and Next hands the param over encoded.
export default async function Page({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ step?: string | string[] }> }) {
  const [{ id: raw }, { step }] = await Promise.all([params, searchParams]);
  const id = decodeParam(raw);
  const initialStep = Number(Array.isArray(step) ? step[0] : step) || 0;
  return <ReplayPage id={id} initialStep={initialStep} initial={(await initialReplayPage(id)) ?? undefined} />;
}
