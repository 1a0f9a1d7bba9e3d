'use client';
// Whether a page is following the stored batches live, and the toggle that holds it still.
import { Button } from '@/components/ui/button';
import { IconPause, IconPlay } from '@/components/ui/icons';
import { formatInt } from '@/lib/client/format';
import type { LiveEvents } from '@/lib/client/use-live-events';

export function LiveToggle({ live, what = 'figures' }: { live: LiveEvents; what?: string }) {
  const { connected, paused, held } = live;
  const status = paused
    ? held > 0
      ? `Paused: ${formatInt(held)} new ${held === 1 ? 'batch' : 'batches'} held`
      : 'Paused: the view holds still'
    : connected
      ? 'Live'
      : 'Connecting…';
  const dot = paused ? 'bg-amber-500' : connected ? 'bg-emerald-500' : 'bg-slate-300';
  return (
    <div className="flex items-center gap-2" data-testid="live-toggle" data-paused={paused ? 'true' : 'false'} data-connected={connected ? 'true' : 'false'}>
      <span
        className={`inline-flex items-center gap-1.5 text-xs ${paused ? 'font-medium text-amber-800' : 'text-slate-600'}`}
        data-testid="live-status"
        role="status"
        title={paused ? `New batches are counted, not shown, until you resume` : `New ${what} appear as batches are stored`}
      >
        <span aria-hidden className={`inline-block h-2 w-2 rounded-full ${dot} ${!paused && connected ? 'animate-pulse' : ''}`} />
        {status}
      </span>
      <Button size="sm" onClick={() => live.setPaused(!paused)} data-testid="live-pause" aria-pressed={paused}>
        {paused ? <IconPlay className="h-3.5 w-3.5" /> : <IconPause className="h-3.5 w-3.5" />}
        {paused ? 'Resume' : 'Pause'}
      </Button>
    </div>
  );
}
