'use client';
import { Kbd } from '@/components/ui/kbd';
import type { Scale } from '@/lib/client/types';
import { scaleChoices, scoreKeyLabel } from '@/lib/client/scale-keys';

export function scaleKeysText(scale: Scale): string {
  const choices = scaleChoices(scale);
  if (choices) return choices.map((s) => scoreKeyLabel(s, scale)).join(' ');
  return scale.kind === 'numeric' ? `type ${scale.min}–${scale.max}, + and − step` : '';
}

const ROWS: [string[], string][] = [
  [['0', '1', '…'], 'pick a score (binary 0/1, numeric: type the number, 10 is 1 then 0)'],
  [['-', '0', '+'], 'ternary −1 / 0 / +1; on a numeric scale + and − step the score'],
  [['a'], "take the judge's score"],
  [['r'], 'write a rationale (Ctrl+Enter in it submits, Esc leaves it)'],
  [['Enter'], 'submit the label and go to the next item'],
  [['n', '→'], 'next item (skips this one for now)'],
  [['p', '←'], 'previous item'],
  [['?'], 'this help; Esc closes it'],
];

export function KeyHelp({ scale, onClose }: { scale: Scale | null; onClose: () => void }) {
  return (
    <div className="fixed inset-0 z-50 grid place-items-center bg-slate-900/30 p-4" onClick={onClose} role="presentation">
      <div
        role="dialog"
        aria-modal="true"
        aria-label="Keyboard shortcuts"
        className="w-full max-w-md rounded-lg border border-slate-200 bg-white p-5 shadow-xl"
        onClick={(e) => e.stopPropagation()}
        data-testid="key-help"
      >
        <h2 className="mb-3 text-base font-semibold text-slate-900">Keyboard</h2>
        <table className="w-full text-sm">
          <tbody>
            {ROWS.map(([keys, what]) => (
              <tr key={what} className="align-top">
                <td className="whitespace-nowrap py-1 pr-4">
                  {keys.map((k) => (
                    <span key={k} className="mr-1">
                      <Kbd>{k}</Kbd>
                    </span>
                  ))}
                </td>
                <td className="py-1 text-slate-600">{what}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {scale && <p className="mt-3 text-xs text-slate-500">This criterion: {scaleKeysText(scale)}</p>}
      </div>
    </div>
  );
}
