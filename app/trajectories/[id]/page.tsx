import { headers } from 'next/headers';
import { ReplayPage } from '@/components/replay/replay-page';
import { decodeParam } from '@/lib/client/api';
import { judgeNameSchema } from '@/lib/schemas/view-settings';
import { initialReplayPage } from '@/lib/server/replay-initial';

type Search = { step?: string | string[]; judge?: string | string[] };

// Trajectory ids hold "/": links encode them as one segment (%2F) and Next hands the param over encoded.
export default async function Page({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Search> }) {
  const [{ id: raw }, { step, judge }] = await Promise.all([params, searchParams]);
  const id = decodeParam(raw);
  const initialStep = Number(Array.isArray(step) ? step[0] : step) || 0;
  // The first page is rendered under the URL's judge, as the page then asks for it.
  const named = judgeNameSchema.safeParse(Array.isArray(judge) ? judge[0] : judge);
  const initial = await initialReplayPage(id, named.success ? named.data : null);
  // The timeline's inline script runs under the page's Content Security Policy (proxy.ts): with its nonce.
  const nonce = (await headers()).get('x-nonce') ?? undefined;
  return <ReplayPage id={id} initialStep={initialStep} initial={initial?.page} initialTimeline={initial?.timeline} nonce={nonce} />;
}
