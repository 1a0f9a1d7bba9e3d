import { Suspense } from 'react';
import { RoutingPage } from '@/components/routing/routing-page';
import { SkeletonRows } from '@/components/ui/skeleton';

export const metadata = { title: 'Routing' };

export default function Page() {
  return (
    <Suspense fallback={<SkeletonRows rows={10} />}>
      <RoutingPage />
    </Suspense>
  );
}
