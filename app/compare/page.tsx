import { Suspense } from 'react';
import { ComparePage } from '@/components/compare/compare-page';
import { SkeletonRows } from '@/components/ui/skeleton';

export const metadata = { title: 'Compare' };

export default function Page() {
  return (
    <Suspense fallback={<SkeletonRows rows={10} />}>
      <ComparePage />
    </Suspense>
  );
}
