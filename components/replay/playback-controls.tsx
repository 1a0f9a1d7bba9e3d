'use client';
import { Button } from '@/components/ui/button';
import { IconFirst, IconLast, IconNext, IconPause, IconPlay, IconPrev } from '@/components/ui/icons';
import { Kbd } from '@/components/ui/kbd';
import { formatInt } from '@/lib/client/format';
import { SPEEDS, type Playback, type Speed } from './use-playback';

export function PlaybackControls({ playback, stepCount }: { playback: Playback; stepCount: number }) {
  const { current, playing, speed } = playback;
  return (
    <div className="flex flex-wrap items-center gap-2" data-testid="playback-controls">
      <Button size="sm" variant="secondary" onClick={() => playback.seek(0)} aria-label="First step" title="First step (g)">
        <IconFirst />
      </Button>
      <Button size="sm" variant="secondary" onClick={() => playback.step(-1)} aria-label="Previous step" title="Previous step (k)">
        <IconPrev />
      </Button>
      <Button
        size="sm"
        variant="primary"
        className="w-20"
        onClick={playback.toggle}
        aria-label={playing ? 'Pause' : 'Play'}
        data-testid="play-toggle"
        title="Play / pause (space)"
      >
        {playing ? (
          <>
            <IconPause /> Pause
          </>
        ) : (
          <>
            <IconPlay /> Play
          </>
        )}
      </Button>
      <Button size="sm" variant="secondary" onClick={() => playback.step(1)} aria-label="Next step" title="Next step (j)">
        <IconNext />
      </Button>
      <Button size="sm" variant="secondary" onClick={() => playback.seek(stepCount - 1)} aria-label="Last step" title="Last step (G)">
        <IconLast />
      </Button>
      <label className="ml-1 flex items-center gap-1.5 text-xs text-slate-500">
        speed
        <select
          value={speed}
          onChange={(e) => playback.setSpeed(Number(e.target.value) as Speed)}
          className="h-7 rounded-md border border-slate-300 bg-white px-1.5 text-xs text-slate-800"
          aria-label="Playback speed"
        >
          {SPEEDS.map((s) => (
            <option key={s} value={s}>
              {s} step{s === 1 ? '' : 's'}/s
            </option>
          ))}
        </select>
      </label>
      <span className="ml-2 text-xs tabular-nums text-slate-600" data-testid="step-position">
        step <span className="font-semibold text-slate-900">{formatInt(stepCount === 0 ? 0 : current + 1)}</span> of {formatInt(stepCount)}
      </span>
      <button
        type="button"
        onClick={() => playback.setHelpOpen(true)}
        className="ml-auto inline-flex items-center gap-1 text-xs text-slate-500 hover:text-slate-800"
      >
        <Kbd>?</Kbd> keys
      </button>
    </div>
  );
}
