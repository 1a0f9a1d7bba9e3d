import 'server-only';
// `COPY ... TO STDOUT` read straight off the connection's socket. While the COPY runs, this stream
// takes the socket from pg's own message parser (which would make an object of every row's message)
// and hands the rows' bytes on with the protocol's message headers taken out: each socket chunk's
// CopyData payloads are moved together inside the chunk itself, and the chunk goes out as one Buffer.
// No Buffer is made per row (pg-copy-streams makes several per row, and copies them together again).
// At the COPY's end, or at an error, the socket goes back to pg with whatever follows, and pg reads
// the command's completion or the error as it would any query's.
//
// It is a pg Submittable, as pg-copy-streams' own `to` is: `client.query(new CopyOutStream(text))`.
//
// `framed: true` keeps each row's header instead: every chunk is then whole CopyData messages
// ('d', a 4-byte big-endian length that counts itself, the row's bytes), a row that the socket split
// joined into a chunk of its own. A CSV row may hold line breaks inside quotes; its message says
// where it ends.
import { Readable, type ReadableOptions } from 'node:stream';
import type { Connection } from 'pg';

// Backend message types (https://www.postgresql.org/docs/current/protocol-message-formats.html).
const COPY_DATA = 0x64; // 'd'
const COPY_DONE = 0x63; // 'c'
const COPY_OUT_RESPONSE = 0x48; // 'H'
const ERROR_RESPONSE = 0x45; // 'E'
const NOTICE_RESPONSE = 0x4e; // 'N'
const NOTIFICATION_RESPONSE = 0x41; // 'A'
const PARAMETER_STATUS = 0x53; // 'S'
const HEADER = 5;

interface SocketLike {
  read(): Buffer | null;
  pause(): void;
  resume(): void;
  listeners(event: 'data'): ((chunk: Buffer) => void)[];
  on(event: string, fn: (...a: never[]) => void): unknown;
  removeListener(event: string, fn: (...a: never[]) => void): unknown;
  addListener(event: string, fn: (...a: never[]) => void): unknown;
}

export class CopyOutStream extends Readable {
  /** The row count of the COPY's CommandComplete, once it has come. */
  rowCount = 0;
  private connection: (Connection & { stream: SocketLike }) | null = null;
  private pgDataHandler: ((chunk: Buffer) => void) | null = null;
  private readonly onReadable = () => this.forward();
  private wanted = false;
  private forwarding = false;
  private attached = false;
  /** Bytes still to come of the message being read, and whether they are a CopyData's (kept) or not. */
  private remaining = 0;
  private keep = false;
  /** The start of a message header that a chunk ended in the middle of. */
  private partialHeader: Buffer | null = null;
  private readonly framed: boolean;
  /** Framed: the message that a chunk ended in the middle of, as far as it has come. */
  private partialMessage: Buffer | null = null;
  private partialFilled = 0;

  constructor(
    readonly text: string,
    options: ReadableOptions & { framed?: boolean } = {},
  ) {
    const { framed, ...readable } = options;
    super(readable);
    this.framed = framed === true;
  }

  /** Called by pg when the query's turn comes. */
  submit(connection: Connection): void {
    this.connection = connection as Connection & { stream: SocketLike };
    const socket = this.connection.stream;
    const handlers = socket.listeners('data');
    if (handlers.length !== 1) throw new Error(`CopyOutStream: the connection's socket has ${handlers.length} data listeners, not pg's one`);
    this.pgDataHandler = handlers[0]!;
    socket.removeListener('data', this.pgDataHandler);
    socket.pause();
    this.attached = true;
    socket.on('readable', this.onReadable);
    (connection as unknown as { query(text: string): void }).query(this.text);
  }

  override _read(): void {
    this.wanted = true;
    this.forward();
  }

  private forward(): void {
    if (this.forwarding || !this.wanted || !this.attached) return;
    this.forwarding = true;
    const socket = this.connection!.stream;
    let chunk: Buffer | null;
    while (this.wanted && this.attached && (chunk = socket.read()) !== null) this.parse(chunk);
    this.forwarding = false;
  }

  /** Takes the CopyData payloads (framed: messages) out of the chunk; hands the socket back to pg at the COPY's end or an error. */
  private parse(input: Buffer): void {
    let chunk = input;
    if (this.partialHeader) {
      chunk = Buffer.concat([this.partialHeader, chunk]);
      this.partialHeader = null;
    }
    const n = chunk.length;
    let pos = 0;
    // The kept bytes are moved to chunk[from, out): always to the left of what is still to read.
    let from = 0;
    let out = 0;
    let end = -1;
    while (pos < n) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, n - pos);
        if (this.partialMessage) {
          chunk.copy(this.partialMessage, this.partialFilled, pos, pos + take);
          this.partialFilled += take;
          if (take === this.remaining) {
            // The split message is whole: it goes out on its own, before the rest of this chunk.
            if (!this.push(this.partialMessage)) this.wanted = false;
            this.partialMessage = null;
            from = out = pos + take;
          }
        } else if (this.keep) {
          if (out !== pos) chunk.copyWithin(out, pos, pos + take);
          out += take;
        }
        pos += take;
        this.remaining -= take;
        continue;
      }
      if (n - pos < HEADER) {
        this.partialHeader = Buffer.from(chunk.subarray(pos));
        pos = n;
        break;
      }
      const code = chunk[pos]!;
      if (code === ERROR_RESPONSE) {
        // pg reads the error itself, and fails the query with it (handleError).
        end = pos;
        break;
      }
      const length = chunk.readUInt32BE(pos + 1) - 4;
      if (code === COPY_DATA) {
        this.keep = true;
        if (this.framed) {
          if (n - pos >= HEADER + length) {
            // A whole message: kept with its header.
            this.remaining = HEADER + length;
            continue;
          }
          this.partialMessage = Buffer.allocUnsafe(HEADER + length);
          this.partialFilled = 0;
          this.remaining = HEADER + length;
          continue;
        }
        this.remaining = length;
        pos += HEADER;
      } else if (code === COPY_OUT_RESPONSE || code === NOTICE_RESPONSE || code === NOTIFICATION_RESPONSE || code === PARAMETER_STATUS) {
        // Messages that may come before or among the rows: not the rows' bytes.
        this.remaining = length;
        this.keep = false;
        pos += HEADER;
      } else {
        // CopyDone (its body, if any, skipped) ends the COPY; anything else goes to pg whole, from its header.
        end = code === COPY_DONE ? pos + HEADER + length : pos;
        break;
      }
    }
    if (out > from && !this.push(chunk.subarray(from, out))) this.wanted = false;
    if (end >= 0) this.detach(chunk.subarray(end));
  }

  /** Gives the socket back to pg, with what was read of it beyond the COPY. */
  private detach(rest: Buffer): void {
    if (!this.attached) return;
    this.attached = false;
    const socket = this.connection!.stream;
    socket.removeListener('readable', this.onReadable);
    socket.addListener('data', this.pgDataHandler!);
    if (rest.length > 0) this.pgDataHandler!(rest);
    // pg's handler may pause the socket for its own reasons: it resumes once that handler is done.
    process.nextTick(() => socket.resume());
  }

  private ended = false;

  /** The COPY's CommandComplete ("COPY n"): the rows are all out. */
  handleCommandComplete(msg: { text?: string } | undefined): void {
    const m = /COPY (\d+)/.exec(msg?.text ?? '');
    if (m) this.rowCount = Number(m[1]);
    if (!this.ended) {
      this.ended = true;
      this.push(null);
    }
  }

  handleError(e: Error): void {
    if (this.attached) this.detach(Buffer.alloc(0));
    this.ended = true;
    this.destroy(e);
  }

  handleReadyForQuery(): void {}
}
