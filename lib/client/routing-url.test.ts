import { describe, expect, it } from 'vitest';
import { binLabel, listHref, routingHref, routingSearch, routingStateFrom } from './routing-url';

const state = (q: string) => routingStateFrom(new URLSearchParams(q));

describe('routingStateFrom', () => {
  it('is one side over every run without a run', () => {
    const s = state('benchmark=MATH500');
    expect(s.sides).toEqual([{ key: 'A', run: null, label: 'All runs', filters: { benchmark: 'MATH500' } }]);
  });

  it('sets a run against all runs under the same filters by default', () => {
    const s = state('run=roro&correct=true');
    expect(s.sides.map((x) => [x.key, x.run, x.filters])).toEqual([
      ['A', 'roro', { correct: 'true', run: 'roro' }],
      ['B', null, { correct: 'true' }],
    ]);
  });

  it('sets two runs side by side, with the judge apart from the filters', () => {
    const s = state('run=roro&vs=outcome-rl&judge=judge-v2');
    expect(s.sides.map((x) => x.run)).toEqual(['roro', 'outcome-rl']);
    expect(s.judge).toBe('judge-v2');
    expect(s.sides[1]!.filters).toEqual({ run: 'outcome-rl' });
  });

  it('leaves out a filter value that the API would refuse', () => {
    expect(state('run=roro&correct=maybe').sides[0]!.filters).toEqual({ run: 'roro' });
  });
});

describe('links', () => {
  it('writes the state back into the URL, vs only beside a run', () => {
    expect(routingSearch({ filters: { run: 'a', model: 'm' }, vs: 'b', judge: 'j' })).toBe('?run=a&model=m&vs=b&judge=j');
    expect(routingSearch({ filters: {}, vs: 'b' })).toBe('');
    expect(routingHref('roro')).toBe('/routing?run=roro');
  });

  it('links a bar to the trajectories behind it', () => {
    const [a] = state('run=roro&benchmark=GSM8K').sides;
    expect(listHref(a!, { escalations: '3+' })).toBe('/trajectories?benchmark=GSM8K&run=roro&escalations=3%2B');
  });

  it('labels bins', () => {
    expect([binLabel(0), binLabel(9)]).toEqual(['0–10%', '90–100%']);
    expect(binLabel(3, '')).toBe('0.3–0.4');
  });
});
