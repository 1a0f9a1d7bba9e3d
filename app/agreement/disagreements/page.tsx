import { Suspense } from 'react';
import { DisagreementsPage } from '@/components/agreement/disagreements-page';
import { SkeletonRows } from '@/components/ui/skeleton';

export const metadata = { title: 'Disagreements' };

export default function Page() {
  return (
    <Suspense fallback={<SkeletonRows rows={6} />}>
      <DisagreementsPage />
    </Suspense>
  );
}
