'use client';
// lambda and mu of the page's view as sliders, beside the view settings bar's fields: the thumb and its
// figure follow the pointer at once, the URL (and with it every figure of the page) once the drag rests
// for a moment, so a drag asks the server a few times rather than at every pixel.
import { useEffect, useRef, useState } from 'react';
import { useViewSettings } from '@/lib/client/use-view-settings';

const MAX = 2;
const STEP = 0.05;
const COMMIT_MS = 200;

function WeightSlider({ name, label, value, onCommit }: { name: 'lambda' | 'mu'; label: string; value: number; onCommit: (v: number) => void }) {
  const [local, setLocal] = useState(value);
  const [shown, setShown] = useState(value);
  // The URL changed elsewhere (the fields, back, reset): follow it.
  if (shown !== value) {
    setShown(value);
    setLocal(value);
  }
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const onChange = (v: number) => {
    setLocal(v);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => onCommit(v), COMMIT_MS);
  };
  return (
    <label className="flex min-w-40 flex-1 items-center gap-2 text-xs text-slate-600">
      <span className="w-3 font-medium">{label}</span>
      <input
        type="range"
        min={0}
        max={Math.max(MAX, value)}
        step={STEP}
        value={local}
        onChange={(e) => onChange(Number(e.target.value))}
        className="w-full accent-sky-600"
        aria-label={`${label} (${name === 'lambda' ? 'process weight' : 'cost weight'})`}
        data-testid={`${name}-slider`}
      />
      <span className="w-9 text-right font-mono tabular-nums text-slate-900">{local.toFixed(2)}</span>
    </label>
  );
}

export function WeightSliders({ className = '' }: { className?: string }) {
  const [view, setView] = useViewSettings();
  return (
    <div className={`flex flex-wrap items-center gap-x-6 gap-y-2 ${className}`} data-testid="weight-sliders">
      <WeightSlider name="lambda" label="λ" value={view.lambda} onCommit={(lambda) => setView({ lambda })} />
      <WeightSlider name="mu" label="μ" value={view.mu} onCommit={(mu) => setView({ mu })} />
    </div>
  );
}
