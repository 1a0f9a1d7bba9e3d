// Strings that PostgreSQL can store. Its text type cannot hold the NUL character (U+0000), so every
// string that a write stores (labels, rationales, judgments people add, user and queue names, labels
// restored by ingest, trace lines) and every string that a query compares is checked here: a 400 or
// a line error naming the field, never a database error.
import { z } from 'zod';

export const NUL_MESSAGE = 'must not contain the NUL character (\\u0000), which PostgreSQL cannot store';

/**
 * The largest row id (users, labels, queue items, ...): their columns are PostgreSQL's integer, so a
 * larger number in a body names no row and would fail in the database; schemas refuse it as a 400.
 */
export const MAX_ROW_ID = 2_147_483_647;

/** A row id in a body: a positive integer up to MAX_ROW_ID, with the route's own wording for what it must be. */
export function rowIdSchema(mustBe: string, notOne: string) {
  return z.number({ error: mustBe }).int(mustBe).positive(mustBe).max(MAX_ROW_ID, notOne);
}

export const hasNoNul = (s: string): boolean => !s.includes('\u0000');

/** z.string(params) that refuses NUL; chain .min/.max/.trim/.regex on it as on any string. */
export function storableString(params?: Parameters<typeof z.string>[0]) {
  return z.string(params).refine(hasNoNul, NUL_MESSAGE);
}
