import { QueuesPage } from '@/components/annotate/queues-page';

export const metadata = { title: 'Annotate' };

export default function Page() {
  return <QueuesPage />;
}
