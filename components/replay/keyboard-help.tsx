'use client';
import { Kbd } from '@/components/ui/kbd';

const KEYS: [string[], string][] = [
  [['j', '↓', '→'], 'next step'],
  [['k', '↑', '←'], 'previous step'],
  [['J', 'PgDn'], '10 steps forward'],
  [['K', 'PgUp'], '10 steps back'],
  [['space'], 'play / pause'],
  [['g', 'Home'], 'first step'],
  [['G', 'End'], 'last step'],
  [[']', '['], 'faster / slower'],
  [['?'], 'this list'],
  [['Esc'], 'close'],
];

export function KeyboardHelp({ onClose }: { onClose: () => void }) {
  return (
    <div className="fixed inset-0 z-50 flex items-center justify-center bg-slate-900/30 p-4" onClick={onClose} role="presentation">
      <div
        role="dialog"
        aria-modal="true"
        aria-label="Keyboard shortcuts"
        data-testid="keyboard-help"
        className="w-80 rounded-lg border border-slate-200 bg-white p-4 shadow-xl"
        onClick={(e) => e.stopPropagation()}
      >
        <div className="mb-3 flex items-center justify-between">
          <h2 className="text-sm font-semibold text-slate-900">Keyboard</h2>
          <button type="button" onClick={onClose} className="text-slate-400 hover:text-slate-700" aria-label="Close">
            ×
          </button>
        </div>
        <dl className="space-y-1.5 text-sm">
          {KEYS.map(([keys, what]) => (
            <div key={what} className="flex items-center justify-between gap-3">
              <dt className="flex gap-1">
                {keys.map((k) => (
                  <Kbd key={k}>{k}</Kbd>
                ))}
              </dt>
              <dd className="text-slate-600">{what}</dd>
            </div>
          ))}
        </dl>
      </div>
    </div>
  );
}
