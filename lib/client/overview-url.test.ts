import { describe, expect, it } from 'vitest';
import { DEFAULT_OVERVIEW, overviewFromSearch, sortRuns, withOverview } from './overview-url';
import type { RunSummary } from './types';

const run = (id: string, over: Partial<RunSummary> = {}): RunSummary => ({
  id,
  policy: null,
  meta: null,
  created_at: '2026-12-02T00:00:00.000Z',
  trajectories: 10,
  correct: 5,
  accuracy: 0.5,
  mean_cost_usd: 0.01,
  total_cost_usd: 0.1,
  mean_process_score: null,
  n_process_score: 0,
  mean_savings: null,
  mean_reward: null,
  steps: 0,
  step_share_by_model: {},
  cost_by_model: {},
  models: [],
  training_steps: 0,
  accuracy_ci: null,
  mean_cost_ci: null,
  reference_cost_usd: null,
  savings_vs_reference: null,
  savings_baselines: [],
  hidden: false,
  ...over,
});

describe('the overview URL', () => {
  it('reads defaults from an empty or unknown search, and round-trips a state', () => {
    expect(overviewFromSearch(new URLSearchParams(''))).toEqual(DEFAULT_OVERVIEW);
    expect(overviewFromSearch(new URLSearchParams('sort=nope&order=sideways&hidden=1'))).toEqual(DEFAULT_OVERVIEW);
    const s = { benchmark: 'GSM8K', reference: 'qwen3-32b', sort: 'accuracy' as const, order: 'asc' as const, showHidden: true };
    const search = withOverview(new URLSearchParams('judge=j&benchmark=old'), s);
    expect(search.get('judge')).toBe('j');
    expect(overviewFromSearch(search)).toEqual(s);
    // A column in its first order needs no order in the URL, and the default sort no sort at all.
    expect(withOverview(new URLSearchParams(), { ...DEFAULT_OVERVIEW, sort: 'accuracy', order: 'desc' }).toString()).toBe('sort=accuracy&order=desc');
    expect(withOverview(new URLSearchParams('sort=cost'), DEFAULT_OVERVIEW).toString()).toBe('');
  });

  it('sorts by a figure either way, runs without it last, ties by id', () => {
    const runs = [run('b', { accuracy: 0.7 }), run('a', { accuracy: 0.7 }), run('c', { accuracy: null }), run('d', { accuracy: 0.2 })];
    expect(sortRuns(runs, 'accuracy', 'desc').map((r) => r.id)).toEqual(['a', 'b', 'd', 'c']);
    expect(sortRuns(runs, 'accuracy', 'asc').map((r) => r.id)).toEqual(['d', 'a', 'b', 'c']);
    expect(sortRuns(runs, 'run', 'desc').map((r) => r.id)).toEqual(['d', 'c', 'b', 'a']);
  });

  it('sorts the savings against the chosen reference model when there is one', () => {
    const runs = [run('x', { mean_savings: 0.9, savings_vs_reference: -0.1 }), run('y', { mean_savings: 0.1, savings_vs_reference: 0.5 })];
    expect(sortRuns(runs, 'savings', 'desc').map((r) => r.id)).toEqual(['x', 'y']);
    expect(sortRuns(runs, 'savings', 'desc', 'm').map((r) => r.id)).toEqual(['y', 'x']);
  });
});
