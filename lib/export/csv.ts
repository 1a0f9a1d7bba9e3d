// CSV as RFC 4180 says: a header line, CRLF line ends, and a field in double quotes (with inner quotes
// doubled) whenever it holds a comma, a quote, CR or LF. A null is an empty field; an empty string is
// "" so that the two stay apart. Lists and JSON are written as JSON text in one field.
import { numberText } from '@/lib/domain/number-text';
import type { Batch, Column } from './columns';

//
// A text cell that a spreadsheet would run as a formula (it starts with =, +, -, @, a tab or CR) is
// written with a leading ' so that it shows as text: a query or step text such as
// =HYPERLINK("http://evil.example/","x") must not become a live link. A cell that is a number
// (-0.5, +3, 1e-9) is left as it is. Every CSV export goes through csvField.
const NEEDS_QUOTES = /[",\r\n]/;
const FORMULA_START = /^[=+\-@\t\r]/;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** The text as a spreadsheet must see it: with a leading ' when it would start a formula. */
export function defuseFormula(text: string): string {
  return FORMULA_START.test(text) && !NUMBER.test(text) ? `'${text}` : text;
}

export function csvField(raw: string): string {
  if (raw === '') return '""';
  const text = defuseFormula(raw);
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** For each byte: whether a cell that starts with it is never one defuseFormula changes (printable ASCII only). */
const PLAIN_START = Array.from({ length: 256 }, (_, b) => b >= 0x20 && b < 0x7f && !FORMULA_START.test(String.fromCharCode(b)));

/**
 * Whether a cell that starts with this byte is written as csvField writes any text: quoted when it
 * holds a quote, comma, CR or LF, and otherwise as it is. The byte-level writer (copy-text.ts) writes
 * only such cells itself and hands every other one to csvField, so the rule stays here alone.
 */
export function csvPlainStart(byte: number): boolean {
  return PLAIN_START[byte]!;
}

type Encode = (v: unknown) => string;

export function encoderOf(c: Column): Encode {
  switch (c.type) {
    case 'int':
    case 'double':
      return (v) => (v === null || v === undefined ? '' : typeof v === 'number' ? numberText(v) : String(v));
    case 'bool':
      return (v) => (v === null || v === undefined ? '' : v ? 'true' : 'false');
    case 'string':
    case 'timestamp':
    case 'json':
      return (v) => (v === null || v === undefined ? '' : csvField(v as string));
    default:
      return (v) => (v === null || v === undefined ? '' : csvField(JSON.stringify(v)));
  }
}

export function csvHeader(columns: readonly Column[]): string {
  return columns.map((c) => csvField(c.name)).join(',') + '\r\n';
}

/** A function from a batch to its CSV records; a value shared by the batch is encoded once. */
export function csvRecordsEncoder(columns: readonly Column[]): (batch: Batch) => string {
  const enc = columns.map(encoderOf);
  return (batch) => {
    const cols = batch.columns.map((col, i) => ('value' in col ? { text: enc[i]!(col.value) } : { values: col.values, enc: enc[i]! }));
    let out = '';
    for (let r = 0; r < batch.length; r++) {
      for (let i = 0; i < cols.length; i++) {
        const c = cols[i]!;
        if (i > 0) out += ',';
        out += 'text' in c ? c.text : c.enc(c.values[r]);
      }
      out += '\r\n';
    }
    return out;
  };
}
