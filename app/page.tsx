import { Suspense } from 'react';
import { OverviewPage } from '@/components/overview/overview-page';
import { SkeletonRows } from '@/components/ui/skeleton';

export default function Page() {
  return (
    <Suspense fallback={<SkeletonRows rows={6} />}>
      <OverviewPage />
    </Suspense>
  );
}
