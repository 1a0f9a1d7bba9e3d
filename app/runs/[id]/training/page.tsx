import { Suspense } from 'react';
import { TrainingPage } from '@/components/training/training-page';
import { SkeletonRows } from '@/components/ui/skeleton';
import { decodeParam } from '@/lib/client/api';

export const metadata = { title: 'Training' };

// Run ids may hold "/": links encode them as one segment (%2F) and Next hands the param over encoded.
export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <Suspense fallback={<SkeletonRows rows={10} />}>
      <TrainingPage run={decodeParam(id)} />
    </Suspense>
  );
}
