import { describe, expect, it } from 'vitest';
import { generateTraces, serializeLine } from '@/lib/generate';
import { freeFormSpans, freeFormTexts, objectTextWithout, type FreeFormValues, type Span } from './json-spans';

const text = (t: string, s: Span | null | undefined) => (s ? t.slice(s[0], s[1]) : null);

describe('freeFormSpans', () => {
  it('finds meta, run.meta and each router as written, wherever they are', () => {
    const line =
      '{ "meta" : {"b": 1.50, "1": "x\\u00e9", "b": 2} ,"id":"a\\"}{","run":{"meta":{"z":1.0,"a":[{"}":"]"}]},"id":"r"},' +
      '"steps":[{"text":"say \\"router\\": {\\\\","router":{"probs":{"s":0.30,"l":0.70}}},{"index":1},{"router" :  {"probs":{}} ,"text":""}],' +
      '"models":[],"x":[true,false,null,-1e-3]}';
    expect(() => JSON.parse(line) as unknown).not.toThrow();
    const s = freeFormSpans(line);
    expect(text(line, s.meta)).toBe('{"b": 1.50, "1": "x\\u00e9", "b": 2}');
    expect(text(line, s.runMeta)).toBe('{"z":1.0,"a":[{"}":"]"}]}');
    expect(s.routers.map((r) => text(line, r))).toEqual(['{"probs":{"s":0.30,"l":0.70}}', null, '{"probs":{}}']);
  });

  it('takes the last of a key given twice, as JSON.parse does, and reads escaped keys', () => {
    const line = '{"meta":{"a":1},"m\\u0065ta":{"b":2},"run":{"meta":{"x":1}},"run":{"id":"r"},"steps":[]}';
    const s = freeFormSpans(line);
    expect(text(line, s.meta)).toBe('{"b":2}');
    expect(s.runMeta).toBeNull();
    expect(s.routers).toEqual([]);
  });

  it('copes with backslashes before a closing quote', () => {
    const line = '{"id":"ends in \\\\","meta":{"k":"\\\\\\"q\\\\"},"steps":[{"text":"\\\\\\\\","router":{"probs":{"a":1}}}]}';
    expect((JSON.parse(line) as { meta: { k: string } }).meta.k).toBe('\\"q\\');
    const s = freeFormSpans(line);
    expect(text(line, s.meta)).toBe('{"k":"\\\\\\"q\\\\"}');
    expect(text(line, s.routers[0])).toBe('{"probs":{"a":1}}');
  });
});

describe('objectTextWithout', () => {
  const span = (t: string): Span => [0, t.length];
  it('leaves the text as given when the key is absent', () => {
    const t = '{"tool": "routelens", "n": 1.50}';
    expect(objectTextWithout(t, span(t), 'routelens')).toBe(t);
  });
  it('drops every member with the key, keeps the others as written, and gives null for nothing left', () => {
    const t = '{"a": 1.50, "routelens": {"x": [1]}, "b" : "c", "routelens": 2}';
    expect(objectTextWithout(t, span(t), 'routelens')).toBe('{"a": 1.50, "b" : "c"}');
    const first = '{ "routelens": 1 ,"a": [ 1 ] }';
    expect(objectTextWithout(first, span(first), 'routelens')).toBe('{ "a": [ 1 ] }');
    expect(objectTextWithout('{"routelens":{}}', [0, 16], 'routelens')).toBeNull();
    expect(objectTextWithout('{ }', [0, 3], 'routelens')).toBeNull();
  });
});

describe('freeFormTexts', () => {
  const lines = [
    ...[...generateTraces({ seed: 3, queries: 20 })].map(serializeLine),
    '{"meta":{"router":{"probs":{"a":1}}},"run":{"id":"r"},"steps":[{"router":{"probs":{"a":1}}}]}',
    '{"run":{"meta":{"meta":1},"id":"r"},"meta":{"x":1},"steps":[{"text":"a"}]}',
    '{"run":{"id":"r","meta":{"a":1}},"meta":{"a":1},"steps":[{"router" :{"probs":{"a":1}}},{"router":{"probs":{"a":1}}}]}',
    '{"run":{"id":"r"},"meta":{"a":1.50},"steps":[{"router":{"probs":{"router":1}}}]}',
    '{"run":{"id":"r"},"meta":{"b":1,"10":2},"steps":[{"router":{"probs":{"a":1,"a":1}}}]}',
    '{"run":{"id":"r"},"steps":[],"rubric":{"id":"x"},"meta" : {"a":1}  ,"judgments":[{"meta":2}] }',
    '{"run":{"id":"r"},"steps":[],"meta":{"a":{"meta":3}}}',
    '{"run":{"id":"r"},"steps":[],"meta":{"a":1},"run":{"id":"s","meta":{"b":2}}}',
    '{"run":{"id":"r"},"steps":[{"router":{}}],"x":"\\"meta\\":{}","steps":[{"router":{"probs":{"b":1}}}] }',
    '{"meta":{"first":1},"run":{"id":"r"},"steps":[]}',
    '{"run":{"id":"r"},"steps":[],"meta":{"a":1,"routelens":{"version":1}}}',
    '{"run":{"id":"r"},"steps":[],"meta":{"routelens":{"version":1}}}',
    '{"run":{"id":"r"},"steps":[{"router" :{"probs":{"router":1}}}]}',
    '{"run":{"id":"r"},"steps":[{"router":{"probs":{"a":1}},"router":{"probs":{"b":1}}}]}',
    '{"run":{"id":"r","meta":{"router":{"x":[1]}}},"steps":[{"text":"x"},{"router":{"probs":{"a":0.50}}}]}',
    '{"run":{"id":"r"},"steps":[{"router":{"probs":{"é":1}}}],"meta":{"n":"ü"}}',
    String.raw`{"run":{"id":"r"},"m\u0065ta":{"b":1},"meta":{"c":1},"steps":[{"text":"\"router\":{\"probs\":{}}","router":{"probs":{}}}]}`,
  ];
  it('gives what a walk of the line gives, on generated lines and on lines written to mislead it', () => {
    for (const t of lines) {
      const parsed = JSON.parse(t) as FreeFormValues;
      const got = freeFormTexts(Buffer.from(t), t, parsed, 'routelens');
      const s = freeFormSpans(t);
      const slice = (span: Span | null) => (span ? t.slice(span[0], span[1]) : null);
      expect(got, t).toEqual({
        meta: s.meta ? objectTextWithout(t, s.meta, 'routelens') : null,
        runMeta: slice(s.runMeta),
        routers: s.routers.map(slice),
      });
      const value = (text: string | null) => (text === null ? undefined : (JSON.parse(text) as unknown));
      const { routelens: _routelens, ...own } = parsed.meta ?? {};
      expect(value(got.meta)).toEqual(parsed.meta && Object.keys(own).length ? own : undefined);
      expect(value(got.runMeta)).toEqual(parsed.run.meta);
      expect(got.routers.map(value)).toEqual(parsed.steps.map((x) => x.router));
    }
  });
});
