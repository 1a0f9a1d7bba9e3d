// The Exports page's links and commands: what the form holds becomes the parameters the API and the
// CLI take, only those that apply to the kind, and a value the API would refuse is shown, not linked.
import { describe, expect, it } from 'vitest';
import { cliCommand, DEFAULT_KIND_OPTIONS, downloadUrl, problemOf, requestParams } from '@/components/exports/export-request';
import { parseExportRequest } from '@/lib/schemas/exports';

const SHARED = { lambda: '0.5', mu: '0.1' };

describe('export links', () => {
  it('carries the filters and only the settings that apply to the kind', () => {
    const filters = { run: 'roro-s800', correct: 'true', q: 'x = 2', benchmark: '  ' };
    const options = { ...DEFAULT_KIND_OPTIONS, format: 'parquet' as const, threshold: '0.5', unscored: 'skip', cap: '3' };
    const shared = { lambda: '1', mu: '0.1' };
    expect(requestParams('stepwise', filters, shared, options)).toEqual({
      run: 'roro-s800',
      correct: 'true',
      q: 'x = 2',
      format: 'parquet',
      lambda: '1',
      threshold: '0.5',
      unscored: 'skip',
    });
    expect(requestParams('preferences', filters, shared, options)).toEqual({
      run: 'roro-s800',
      correct: 'true',
      q: 'x = 2',
      format: 'parquet',
      lambda: '1',
      cap: '3',
    });
    expect(requestParams('labels', {}, SHARED, DEFAULT_KIND_OPTIONS)).toEqual({});
  });

  it('links to a URL whose parameters the API parses back to the same request', () => {
    const params = requestParams('preferences', { run: 'a&b', min_cost: '0.001' }, SHARED, { ...DEFAULT_KIND_OPTIONS, delta_p: '0.2', ratio_c: '2' });
    const url = new URL(downloadUrl('preferences', params), 'http://routelens.test');
    expect(url.pathname).toBe('/api/exports/preferences');
    const req = parseExportRequest('preferences', url.searchParams);
    expect(req.filter).toEqual({ run: 'a&b', min_cost: 0.001 });
    expect(req.settings).toMatchObject({ deltaP: 0.2, ratioC: 2, format: 'jsonl' });
  });

  it('names the first problem as the API would, instead of a link', () => {
    expect(problemOf('stepwise', { threshold: '2' })).toBe('threshold: must be a number between 0 and 1');
    expect(problemOf('steps', { lambda: 'x' })).toBe('lambda: must be a finite number');
    expect(problemOf('steps', { correct: 'maybe' })).toBe('correct: must be true or false');
    expect(problemOf('steps', { run: 'x' })).toBeNull();
  });

  it('writes the equivalent command line, quoted for a shell', () => {
    expect(cliCommand('steps', { format: 'csv', run: 'roro-s800', q: "it's 2", min_cost: '0.1' })).toBe(
      "npm run export -- steps --format csv --run roro-s800 --q 'it'\\''s 2' --min-cost 0.1 --out routelens-steps.csv",
    );
  });
});
