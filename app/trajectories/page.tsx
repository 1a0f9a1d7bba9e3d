import { Suspense } from 'react';
import { TrajectoriesPage } from '@/components/trajectories/trajectories-page';
import { SkeletonRows } from '@/components/ui/skeleton';

export const metadata = { title: 'Trajectories' };

export default function Page() {
  return (
    <Suspense fallback={<SkeletonRows rows={10} />}>
      <TrajectoriesPage />
    </Suspense>
  );
}
