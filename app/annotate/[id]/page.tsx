import { LabellingView } from '@/components/annotate/labelling-view';
import { QueueProgress } from '@/components/annotate/queue-progress';
import { notFound } from 'next/navigation';

export const metadata = { title: 'Labelling' };

export default async function Page({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ view?: string }> }) {
  const { id } = await params;
  const { view } = await searchParams;
  const queueId = Number(id);
  if (!Number.isSafeInteger(queueId) || queueId <= 0) notFound();
  return view === 'progress' ? <QueueProgress queueId={queueId} /> : <LabellingView key={queueId} queueId={queueId} />;
}
