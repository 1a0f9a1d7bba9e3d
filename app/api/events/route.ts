import { eventStream } from '@/lib/server/events';
import { route } from '@/lib/server/route';

// Every run's ingest events (the overview's live figures); each event's data names its run.
export const GET = route({ role: 'viewer' }, async ({ request, url }) => eventStream(request, url, null));
