import { describe, expect, it } from 'vitest';
import { paretoFront } from './pareto';

const p = (id: string, cost: number | null, accuracy: number | null) => ({ id, cost, accuracy });

describe('paretoFront', () => {
  it('keeps the runs that no cheaper run matches in accuracy, cheapest first', () => {
    const front = paretoFront([p('dear-good', 3, 0.9), p('cheap-bad', 1, 0.5), p('mid-worse', 2, 0.4), p('mid-better', 2, 0.7), p('dear-bad', 4, 0.6)]);
    expect(front.map((x) => x.id)).toEqual(['cheap-bad', 'mid-better', 'dear-good']);
  });

  it('drops a run that costs as much as another but is less accurate, and runs with undefined figures', () => {
    const front = paretoFront([p('a', 1, 0.5), p('b', 1, 0.6), p('c', null, 1), p('d', 2, null)]);
    expect(front.map((x) => x.id)).toEqual(['b']);
  });

  it('is empty without runs', () => {
    expect(paretoFront([])).toEqual([]);
  });
});
