'use client';
// The scores of a criterion's scale as buttons (with the key that picks each), or a number field for
// a wide numeric scale.
import { scaleChoices, scoreKeyLabel } from '@/lib/client/scale-keys';
import type { Scale } from '@/lib/client/types';

export function ScorePicker({
  scale,
  value,
  judgeScore,
  onChange,
  showKeys = false,
  disabled = false,
}: {
  scale: Scale;
  value: number | null;
  judgeScore?: number | null;
  onChange: (score: number | null) => void;
  showKeys?: boolean;
  disabled?: boolean;
}) {
  const choices = scaleChoices(scale);
  if (!choices && scale.kind === 'numeric') {
    return (
      <input
        type="number"
        min={scale.min}
        max={scale.max}
        step="any"
        disabled={disabled}
        value={value ?? ''}
        onChange={(e) => onChange(e.target.value === '' ? null : Number(e.target.value))}
        aria-label={`score from ${scale.min} to ${scale.max}`}
        className="h-8 w-28 rounded-md border border-slate-300 px-2 text-sm tabular-nums"
        data-testid="score-input"
      />
    );
  }
  return (
    <div role="radiogroup" aria-label="score" className="flex flex-wrap gap-1">
      {(choices ?? []).map((s) => {
        const selected = value === s;
        return (
          <button
            key={s}
            type="button"
            role="radio"
            aria-checked={selected}
            disabled={disabled}
            onClick={() => onChange(selected ? null : s)}
            data-testid={`score-${s}`}
            title={judgeScore === s ? "the judge's score" : undefined}
            className={`relative flex h-8 min-w-9 items-center justify-center gap-1 rounded-md border px-2 text-sm font-semibold tabular-nums transition-colors ${
              selected ? 'border-sky-600 bg-sky-600 text-white' : 'border-slate-300 bg-white text-slate-800 hover:border-slate-400'
            } ${judgeScore === s && !selected ? 'ring-2 ring-amber-300' : ''}`}
          >
            {s > 0 && scale.kind === 'ternary' ? `+${s}` : s}
            {showKeys && <span className={`font-mono text-[10px] ${selected ? 'text-sky-100' : 'text-slate-400'}`}>{scoreKeyLabel(s, scale)}</span>}
          </button>
        );
      })}
    </div>
  );
}
