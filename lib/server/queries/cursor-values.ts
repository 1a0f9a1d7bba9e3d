import 'server-only';
// The sort value a list cursor carries, checked against what PostgreSQL would accept for the sort
// column's type, so that a forged cursor is a 400 naming the cursor rather than a cast error (500)
// from PostgreSQL. Cursors hold the value as PostgreSQL wrote it (text), so each form is PostgreSQL's.

import { MAX_ROW_ID } from '@/lib/schemas/text';

/** PostgreSQL's largest integer (int4): row ids and int4 sort values. */
export const MAX_INT4 = MAX_ROW_ID;

const DECIMAL = /^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
// Written in the session's zone (UTC, lib/db/pool.ts); cursors from before timestamptz have no offset.
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?(?:([+-])(\d{2})(?::(\d{2}))?)?$/;

/** A calendar date and time of day that exist, with an offset PostgreSQL accepts (up to ±15:59). */
function isTimestamp(v: string): boolean {
  const m = TIMESTAMP.exec(v);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (year < 1 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return false;
  if (day > [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!) return false;
  if (m[8] !== undefined && (Number(m[9]) > 15 || Number(m[10] ?? 0) > 59)) return false;
  return true;
}

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** Whether `v` is a value of a sort column of this PostgreSQL type, as PostgreSQL writes one. */
export const SORT_VALUE_FORMS: Record<string, (v: string) => boolean> = {
  text: (v) => v.length <= 200 && !v.includes('\u0000'),
  float8: (v) => v.length <= 40 && DECIMAL.test(v) && Number.isFinite(Number(v)),
  int4: (v) => /^-?\d{1,10}$/.test(v) && Math.abs(Number(v)) <= MAX_INT4,
  'timestamptz(3)': isTimestamp,
};
