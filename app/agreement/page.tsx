import { Suspense } from 'react';
import { AgreementPage } from '@/components/agreement/agreement-page';
import { SkeletonRows } from '@/components/ui/skeleton';

export const metadata = { title: 'Agreement' };

export default function Page() {
  return (
    <Suspense fallback={<SkeletonRows rows={6} />}>
      <AgreementPage />
    </Suspense>
  );
}
