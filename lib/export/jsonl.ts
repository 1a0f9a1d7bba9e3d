// JSON Lines: one object per row, keys in column order, "\n" after every line (no trailer: a manifest
// line would break loaders that read every line as a row; the manifest travels beside the data).
import { numberText } from '@/lib/domain/number-text';
import type { Batch, Column } from './columns';

type Encode = (v: unknown) => string;

const json: Encode = (v) => (v === null || v === undefined ? 'null' : JSON.stringify(v));
const number: Encode = (v) => (v === null || v === undefined ? 'null' : typeof v === 'number' ? numberText(v) : String(v));
const bool: Encode = (v) => (v === null || v === undefined ? 'null' : v ? 'true' : 'false');
const raw: Encode = (v) => (v === null || v === undefined ? 'null' : (v as string));

/** Steps repeat a few model ids: a value equal to the previous one of its column is not encoded again. */
function remembering(encode: Encode): Encode {
  let last: unknown = remembering;
  let lastText = '';
  return (v) => {
    if (v !== last) {
      last = v;
      lastText = encode(v);
    }
    return lastText;
  };
}

export function encoderOf(c: Column): Encode {
  switch (c.type) {
    case 'string':
    case 'timestamp':
      return remembering(json);
    case 'int':
    case 'double':
      return remembering(number);
    case 'bool':
      return bool;
    case 'json':
      return raw;
    default:
      return json;
  }
}

/**
 * A function from a batch to its JSON lines. Within a batch, runs of columns that hold one value for
 * every row are encoded once, keys included, and pasted into each line.
 */
export function jsonLinesEncoder(columns: readonly Column[]): (batch: Batch) => string {
  const keys = columns.map((c, i) => `${i === 0 ? '{' : ','}${JSON.stringify(c.name)}:`);
  const enc = columns.map(encoderOf);
  return (batch) => {
    const fixed: string[] = [];
    const varying: { key: string; enc: Encode; values: readonly unknown[] }[] = [];
    // Segment k of a line: fixed[k], then varying[k] (when there is one).
    let text = '';
    batch.columns.forEach((col, i) => {
      if ('value' in col) {
        text += keys[i]! + enc[i]!(col.value);
      } else {
        fixed.push(text);
        text = '';
        varying.push({ key: keys[i]!, enc: enc[i]!, values: col.values });
      }
    });
    const tail = text + '}\n';
    let out = '';
    for (let r = 0; r < batch.length; r++) {
      let line = '';
      for (let k = 0; k < varying.length; k++) {
        const v = varying[k]!;
        line += fixed[k]! + v.key + v.enc(v.values[r]);
      }
      out += line + tail;
    }
    return out;
  };
}
