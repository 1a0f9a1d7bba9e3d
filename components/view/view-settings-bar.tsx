'use client';
// The view settings of a page (scoring.md): whose judgments the figures rest on, and the weights of the
// combined reward. Kept in the page's URL (useViewSettings); a value the schema refuses shows its
// reason on the field and changes nothing.
import { useEffect, useRef, useState } from 'react';
import { useJudges } from '@/lib/client/hooks';
import { useViewSettings } from '@/lib/client/use-view-settings';
import { DEFAULT_REWARD } from '@/lib/domain/types';
import { viewSettingsSchema } from '@/lib/schemas/view-settings';

const FIELD = 'h-8 rounded-md border bg-white px-2 text-sm text-slate-800 focus:border-sky-500 focus:outline-none focus:ring-2 focus:ring-sky-100';

/** A number field that applies a valid value as it is typed, and says why a value is refused. */
function WeightField({ name, label, value, onCommit }: { name: 'lambda' | 'mu'; label: string; value: number; onCommit: (v: number) => void }) {
  const [text, setText] = useState(String(value));
  // The URL changed elsewhere (back, reset): show its value, unless the text already means it ("1." is 1).
  const [shown, setShown] = useState(value);
  if (shown !== value) {
    setShown(value);
    if (Number(text) !== value) setText(String(value));
  }
  const parsed = text.trim() === '' ? null : viewSettingsSchema.shape[name].safeParse(text.trim());
  const problem = parsed && !parsed.success ? (parsed.error.issues[0]?.message ?? 'not a valid value') : null;
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const onType = (t: string) => {
    setText(t);
    clearTimeout(timer.current);
    const p = t.trim() === '' ? null : viewSettingsSchema.shape[name].safeParse(t.trim());
    if (p?.success && p.data !== value) {
      const v = p.data as number;
      timer.current = setTimeout(() => onCommit(v), 250);
    }
  };
  return (
    <label className="flex items-center gap-1.5 text-xs text-slate-600">
      <span className="font-medium">{label}</span>
      <input
        className={`${FIELD} w-16 tabular-nums ${problem ? 'border-rose-400' : 'border-slate-300'}`}
        inputMode="decimal"
        name={name}
        value={text}
        aria-invalid={problem ? true : undefined}
        title={problem ?? undefined}
        data-testid={`${name}-input`}
        onChange={(e) => onType(e.target.value)}
        onBlur={() => text.trim() === '' && setText(String(value))}
      />
      {problem && (
        <span className="text-rose-600" role="alert">
          {problem}
        </span>
      )}
    </label>
  );
}

export function JudgeSelect({ value, onChange, run }: { value: string | null; onChange: (judge: string | null) => void; run?: string }) {
  const judges = useJudges(run);
  const names = judges.data?.map((j) => j.judge) ?? [];
  if (value !== null && !names.includes(value)) names.push(value);
  return (
    <label className="flex items-center gap-1.5 text-xs text-slate-600">
      <span className="font-medium">Judge</span>
      <select
        className={`${FIELD} max-w-48 border-slate-300`}
        name="judge"
        value={value ?? ''}
        data-testid="judge-select"
        title="Figures from this judge's judgments (and people's) only"
        onChange={(e) => onChange(e.target.value === '' ? null : e.target.value)}
      >
        <option value="">All judges</option>
        {names.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Judge, lambda and mu of the page's figures; `weights: false` shows the judge alone. */
export function ViewSettingsBar({ weights = true, run, className = '' }: { weights?: boolean; run?: string; className?: string }) {
  const [view, setView] = useViewSettings();
  const moved = view.judge !== null || view.lambda !== DEFAULT_REWARD.lambda || view.mu !== DEFAULT_REWARD.mu;
  return (
    <div className={`flex flex-wrap items-center gap-x-4 gap-y-2 ${className}`} data-testid="view-settings">
      <JudgeSelect value={view.judge} run={run} onChange={(judge) => setView({ judge })} />
      {weights && (
        <>
          <WeightField name="lambda" label="λ" value={view.lambda} onCommit={(lambda) => setView({ lambda })} />
          <WeightField name="mu" label="μ" value={view.mu} onCommit={(mu) => setView({ mu })} />
          <span className="hidden text-xs text-slate-400 lg:inline">reward = outcome + λ·process − μ·cost ratio</span>
        </>
      )}
      {moved && (
        <button
          type="button"
          className="text-xs font-medium text-sky-700 hover:underline"
          onClick={() => setView({ judge: null, lambda: DEFAULT_REWARD.lambda, mu: DEFAULT_REWARD.mu })}
        >
          Reset
        </button>
      )}
    </div>
  );
}
