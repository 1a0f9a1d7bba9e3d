// Which scores a criterion's scale offers as buttons, and which key picks which score: binary 0/1,
// ternary -/0/+ (1 also means +1), numeric scales by typing the number (digits typed in quick
// succession form one number, so 10 on a 0..10 scale is "1" then "0"), and +/- step a number.
import { isOnScale } from '@/lib/domain/rubric';
import type { Scale } from '@/lib/domain/types';

/** Integer numeric scales up to this many values get one button per value. */
const MAX_BUTTONS = 11;

export function scaleChoices(scale: Scale): number[] | null {
  if (scale.kind === 'binary') return [0, 1];
  if (scale.kind === 'ternary') return [-1, 0, 1];
  const { min, max } = scale;
  if (!Number.isInteger(min) || !Number.isInteger(max) || max - min + 1 > MAX_BUTTONS) return null;
  return Array.from({ length: max - min + 1 }, (_, i) => min + i);
}

export function scoreKeyLabel(score: number, scale: Scale): string {
  if (scale.kind === 'ternary') return score < 0 ? '-' : score > 0 ? '+' : '0';
  return String(score);
}

export interface KeyResult {
  score: number | null;
  /** Digits typed so far, for a number of more than one digit. */
  buffer: string;
}

/**
 * The score a key picks, given the current choice and the digits typed just before (the caller
 * clears `buffer` after a pause). `score` null: the key picks nothing.
 */
export function scoreForKey(key: string, scale: Scale, current: number | null, buffer: string): KeyResult {
  if (scale.kind === 'ternary') {
    if (key === '-') return { score: -1, buffer: '' };
    if (key === '0') return { score: 0, buffer: '' };
    if (key === '+' || key === '=' || key === '1') return { score: 1, buffer: '' };
    return { score: null, buffer: '' };
  }
  if (scale.kind === 'numeric' && (key === '+' || key === '=' || key === '-')) {
    const step = key === '-' ? -1 : 1;
    const from = current ?? (step > 0 ? scale.min - 1 : scale.max + 1);
    const next = Math.min(scale.max, Math.max(scale.min, Math.round(from) + step));
    return { score: isOnScale(next, scale) ? next : null, buffer: '' };
  }
  if (!/^[0-9]$/.test(key)) return { score: null, buffer: '' };
  const longer = buffer + key;
  if (isOnScale(Number(longer), scale) && buffer !== '') return { score: Number(longer), buffer: longer };
  return isOnScale(Number(key), scale) ? { score: Number(key), buffer: key } : { score: null, buffer: '' };
}

export function describeScale(scale: Scale): string {
  if (scale.kind === 'binary') return 'binary: 0 fails, 1 meets';
  if (scale.kind === 'ternary') return 'ternary: −1 against, 0 neutral, +1 for';
  return `numeric: ${scale.min} to ${scale.max}`;
}
