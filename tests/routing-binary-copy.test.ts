// The ingest writes trajectory_routing and trajectory_routing_steps by binary COPY: every stored value
// must be the one a text COPY of routingCopyRow / routingStepsCopyRow stores, to the bit (array_send).
import { describe, expect, it } from 'vitest';
import type pg from 'pg';
import { withTransaction } from '@/lib/db/pool';
import {
  ROUTING_COLUMNS,
  ROUTING_STEP_COLUMNS,
  routingBinaryRows,
  routingCopyRow,
  routingStepsBinaryRows,
  routingStepsCopyRow,
} from '@/lib/db/routing-rollups';
import type { RoutingContribution } from '@/lib/domain';
import { generateTraces, serializeLine } from '@/lib/generate';
import { copyBinary, copyRows } from '@/lib/ingest/copy';
import { normalizeLine } from '@/lib/ingest/normalize';
import { traceLineSchema } from '@/lib/schemas/trace';
import { useTestDatabase } from './helpers/db';

useTestDatabase('routingbin');

function contributions(): { pk: number; routing: RoutingContribution }[] {
  const out: { pk: number; routing: RoutingContribution }[] = [];
  for (const line of generateTraces({ seed: 11, queries: 200, limit: 600, steps: 30, judgmentsPerTrajectory: { min: 2, max: 8 } })) {
    out.push({ pk: out.length + 1, routing: normalizeLine(traceLineSchema.parse(JSON.parse(serializeLine(line)))).routing });
  }
  const base = out[0]!.routing;
  // No steps at all; then names and figures that text and binary COPY could read differently.
  out.push({ pk: out.length + 1, routing: { ...base, models: [], positionSteps: [], scoredByModel: [], scoreSumByModel: [], perStep: [] } });
  out.push({
    pk: out.length + 1,
    routing: {
      ...base,
      models: ['m"\\\t,é{}', 'NULL', ''],
      positionSteps: [Array(10).fill(0), Array(10).fill(2_000_000_000), Array(10).fill(1)],
      scoredByModel: [0, 1, 2],
      scoreSumByModel: [-0, 1e-300, 0.1 + 0.2],
      scoreSumByBin: [5e-324, -1.5, 1e308, 0, 0, 0, 0, 0, 0, 0],
      perStep: [
        { escalation: 'up', chosenProbability: null, normalizedEntropy: -0 },
        { escalation: null, chosenProbability: 5e-324, normalizedEntropy: 1 / 3 },
        { escalation: 'down', chosenProbability: 1, normalizedEntropy: null },
      ],
    } as RoutingContribution,
  });
  return out;
}

/** Every column of a table in its binary send form, one text per row, in pk order. */
async function sent(c: pg.PoolClient, table: string, columns: readonly string[]): Promise<string[]> {
  const types = await c.query<{ attname: string; typname: string }>(
    `SELECT a.attname, t.typname FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid WHERE a.attrelid = $1::regclass AND a.attnum > 0`,
    [table],
  );
  const typeOf = new Map(types.rows.map((r) => [r.attname, r.typname]));
  const send = (col: string) => {
    const t = typeOf.get(col)!;
    const fn = t.startsWith('_') ? 'array_send' : t === 'int4' ? 'int4send' : 'textsend';
    return `coalesce(encode(${fn}("${col}"), 'hex'), 'null')`;
  };
  const r = await c.query<{ row: string }>(`SELECT concat_ws('|', ${columns.map(send).join(', ')}) AS row FROM ${table} ORDER BY trajectory_pk`);
  return r.rows.map((x) => x.row);
}

describe('routing rows by binary COPY', () => {
  it('store exactly what the text COPY rows store', async () => {
    const items = contributions();
    await withTransaction(async (c) => {
      await c.query(`CREATE TEMP TABLE rt (LIKE trajectory_routing); CREATE TEMP TABLE rb (LIKE trajectory_routing);
                     CREATE TEMP TABLE st (LIKE trajectory_routing_steps); CREATE TEMP TABLE sb (LIKE trajectory_routing_steps)`);
      await copyRows(
        c,
        'rt',
        ROUTING_COLUMNS,
        items.map((i) => routingCopyRow(i.pk, i.routing)),
      );
      await copyRows(
        c,
        'st',
        ROUTING_STEP_COLUMNS,
        items.map((i) => routingStepsCopyRow(i.pk, i.routing)),
      );
      await copyBinary(c, 'rb', ROUTING_COLUMNS, routingBinaryRows(items));
      await copyBinary(c, 'sb', ROUTING_STEP_COLUMNS, routingStepsBinaryRows(items));
      const [rt, rb, st, sb] = [
        await sent(c, 'rt', ROUTING_COLUMNS),
        await sent(c, 'rb', ROUTING_COLUMNS),
        await sent(c, 'st', ROUTING_STEP_COLUMNS),
        await sent(c, 'sb', ROUTING_STEP_COLUMNS),
      ];
      expect(rt).toHaveLength(items.length);
      expect(rb).toEqual(rt);
      expect(st).toHaveLength(items.length);
      expect(sb).toEqual(st);
      // The edge row's -0 reads as 0, as String(-0) writes it.
      const edge = await c.query<{ e: number[] }>(`SELECT normalized_entropy AS e FROM sb WHERE trajectory_pk = $1`, [items.length]);
      expect(Object.is(edge.rows[0]!.e[0], 0)).toBe(true);
    });
  });
});
