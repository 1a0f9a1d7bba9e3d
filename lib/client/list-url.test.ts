import { describe, expect, it } from 'vitest';
import { apiParams, changed, listStateFrom, PAGE_SIZE, toSearch, validState } from './list-url';

describe('trajectory list state in the URL', () => {
  it('reads the known keys, ignores others and empty values', () => {
    const state = listStateFrom(new URLSearchParams('run=r1&correct=true&q=&foo=bar&sort=cost&order=desc&cursor=abc&page=3'));
    expect(state).toEqual({ run: 'r1', correct: 'true', sort: 'cost', order: 'desc', cursor: 'abc', page: '3' });
  });

  it('goes back to the first page when a filter or the sort changes, not when the page does', () => {
    const state = { run: 'r1', cursor: 'abc', page: '2' };
    expect(changed(state, { model: 'm' })).toEqual({ run: 'r1', model: 'm' });
    expect(changed(state, { sort: 'reward', order: 'desc' })).toEqual({ run: 'r1', sort: 'reward', order: 'desc' });
    expect(changed(state, { cursor: 'def', page: '3' })).toEqual({ run: 'r1', cursor: 'def', page: '3' });
    expect(changed(state, { run: undefined })).toEqual({});
  });

  it('writes a stable query string and asks the API for a page without the page number', () => {
    expect(toSearch({ sort: 'cost', run: 'a/b' })).toBe('?run=a%2Fb&sort=cost');
    expect(toSearch({})).toBe('');
    expect(apiParams({ run: 'r1', page: '2', cursor: 'c' })).toEqual({ run: 'r1', cursor: 'c', limit: PAGE_SIZE });
  });

  it('keeps the view settings in the URL and leaves out a value the API would refuse', () => {
    const state = listStateFrom(new URLSearchParams('judge=judge-v3&lambda=2&mu=-1&sort=reward'));
    expect(state).toEqual({ judge: 'judge-v3', lambda: '2', mu: '-1', sort: 'reward' });
    expect(toSearch(changed(state, { run: 'r1' }))).toBe('?run=r1&judge=judge-v3&lambda=2&mu=-1&sort=reward');
    expect(apiParams(validState(state))).toEqual({ judge: 'judge-v3', lambda: '2', sort: 'reward', limit: PAGE_SIZE });
  });
});
