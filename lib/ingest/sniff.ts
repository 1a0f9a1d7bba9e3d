// What a trace file's first bytes say it is: gzip (by its magic bytes), text, or another format that
// people upload by mistake (an image, a PDF, a zip). Pure, so the import page can tell before it
// uploads, and the ingest pipeline says the same in one message rather than one error per "line".
/** Formats people upload by mistake, by their first bytes. */
const MAGIC: { name: string; bytes: number[] }[] = [
  { name: 'a PNG image', bytes: [0x89, 0x50, 0x4e, 0x47] },
  { name: 'a JPEG image', bytes: [0xff, 0xd8, 0xff] },
  { name: 'a GIF image', bytes: [0x47, 0x49, 0x46, 0x38] },
  { name: 'a PDF document', bytes: [0x25, 0x50, 0x44, 0x46] },
  { name: 'a zip archive (or an Office document)', bytes: [0x50, 0x4b, 0x03, 0x04] },
  { name: 'a Parquet file', bytes: [0x50, 0x41, 0x52, 0x31] },
  { name: 'a bzip2 file', bytes: [0x42, 0x5a, 0x68] },
  { name: 'an xz file', bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] },
  { name: 'a zstd file', bytes: [0x28, 0xb5, 0x2f, 0xfd] },
];

export type Sniffed = { kind: 'gzip' } | { kind: 'text' } | { kind: 'binary'; what: string };

export function notJsonLines(name: string, what: string): string {
  return `${name} is not JSON Lines: it is ${what}, not text. Trace files are trace v1 JSON Lines (.jsonl), plain or gzip-compressed (.jsonl.gz).`;
}

/** What a file's first bytes say it is: gzip (by its magic bytes), text, or something else entirely. */
export function sniffBytes(head: Uint8Array): Sniffed {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return { kind: 'gzip' };
  const magic = MAGIC.find((m) => m.bytes.every((b, i) => head[i] === b));
  // Text has no NUL bytes; binary formats are full of them.
  const what = magic?.name ?? (head.includes(0) ? 'binary data' : null);
  if (!what) return { kind: 'text' };
  return { kind: 'binary', what };
}
