import { describe, expect, it } from 'vitest';
import { DEFAULT_TRAINING_STATE, groupListParams, trainingHref, trainingStateFrom, withTrainingState } from './training-url';

describe('training page URL state', () => {
  it('round-trips the step, group, filter and order, keeping other parameters', () => {
    const state = { step: { from: 10, to: 19 }, group: 'q@10', signal: 'rescued' as const, sort: 'reward_std' as const, order: 'desc' as const };
    const search = withTrainingState(new URLSearchParams('lambda=0.7'), state);
    expect(search.get('lambda')).toBe('0.7');
    expect(search.get('step')).toBe('10..19');
    expect(trainingStateFrom(search)).toEqual(state);
    expect(groupListParams(state)).toEqual({ step: '10..19', sort: 'reward_std', order: 'desc', no_signal_outcome: 'true', no_signal: 'false' });
  });

  it('drops values the routes would refuse and writes no defaults', () => {
    expect(trainingStateFrom(new URLSearchParams('step=9..3&signal=x&sort=cost&order=up'))).toEqual(DEFAULT_TRAINING_STATE);
    expect(withTrainingState(new URLSearchParams(), DEFAULT_TRAINING_STATE).toString()).toBe('');
  });

  it('encodes a run id as one path segment', () => {
    expect(trainingHref('a/b', { lambda: 1 })).toBe('/runs/a%2Fb/training?lambda=1');
  });
});
