import { Suspense } from 'react';
import { QueryPage } from '@/components/query/query-page';
import { SkeletonRows } from '@/components/ui/skeleton';
import { decodeParam } from '@/lib/client/api';

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <Suspense fallback={<SkeletonRows rows={8} />}>
      <QueryPage id={decodeParam(id)} />
    </Suspense>
  );
}
