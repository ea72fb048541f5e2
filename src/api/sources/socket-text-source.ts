import { connect } from 'node:net';
import type { Socket } from 'node:net';

import type {
  Boundedness,
  InputStatus,
  ReaderOutput,
  Source,
  SourceReader,
  SourceReaderContext,
} from './source.js';

const BATCH = 256;
const RETRY_DELAY_MS = 500;
/** Above this many buffered lines the socket is paused, so a fast sender cannot exhaust memory. */
const PAUSE_ABOVE = 1000;
/** Reading resumes once the buffer drains to this, leaving a margin so it does not flap. */
const RESUME_AT = 250;

/**
 * Reads delimiter-separated text from a TCP server (`socketTextStream`). When the server closes
 * the connection the source ends, or, with `maxRetry` > 0, reconnects every 500 ms up to
 * `maxRetry` times (`-1`: forever). A connection that cannot be made once no retries are left
 * fails the source.
 *
 * It has no `snapshotState`: bytes read from a socket cannot be asked for again, so there is no
 * position worth checkpointing. After a restore the reader simply connects anew and reads what
 * the server sends from then on: lines received after the last completed checkpoint and before
 * the failure are lost (at-most-once), as in Flink's socket source.
 */
export class SocketTextSource implements Source<string> {
  readonly boundedness: Boundedness = 'CONTINUOUS_UNBOUNDED';
  readonly maxParallelism = 1;
  readonly defaultName = 'Socket Stream';

  constructor(
    readonly hostname: string,
    readonly port: number,
    readonly delimiter = '\n',
    readonly maxRetry = 0,
  ) {
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new TypeError(`Socket source port must be an integer in 0..65535, got ${port}`);
    }
    if (delimiter === '') throw new TypeError('Socket source delimiter must not be empty');
    if (!Number.isInteger(maxRetry) || maxRetry < -1) {
      throw new TypeError(`Socket source maxRetry must be -1 (forever) or a non-negative integer, got ${maxRetry}`);
    }
  }

  createReader(_context: SourceReaderContext): SourceReader<string> {
    return new SocketTextReader(this.hostname, this.port, this.delimiter, this.maxRetry);
  }
}

class SocketTextReader implements SourceReader<string> {
  private readonly lines: string[] = [];
  private head = 0;
  private partial = '';
  private socket: Socket | undefined;
  private paused = false;
  private retriesUsed = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private ended = false;
  private closed = false;
  private failure: Error | undefined;
  private waiter: { promise: Promise<void>; resolve: () => void } | undefined;
  /** Settles `start()` with the outcome of the first connection attempt. */
  private firstAttempt: { resolve: () => void; reject: (e: Error) => void } | undefined;

  constructor(
    private readonly hostname: string,
    private readonly port: number,
    private readonly delimiter: string,
    private readonly maxRetry: number,
  ) {}

  start(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.firstAttempt = { resolve, reject };
      this.connect();
    });
  }

  pollNext(output: ReaderOutput<string>): InputStatus {
    const available = this.lines.length - this.head;
    if (available > 0) {
      const stop = this.head + Math.min(available, BATCH);
      for (let i = this.head; i < stop; i++) output.collect(this.lines[i] as string);
      this.head = stop;
      this.compact();
      return 'MORE_AVAILABLE';
    }
    if (this.failure !== undefined) throw this.failure;
    if (this.ended || this.closed) return 'END_OF_INPUT';
    return 'NOTHING_AVAILABLE';
  }

  isAvailable(): Promise<void> {
    if (this.lines.length > this.head || this.ended || this.closed || this.failure !== undefined) {
      return Promise.resolve();
    }
    if (this.waiter === undefined) {
      let resolve: () => void = () => undefined;
      const promise = new Promise<void>((r) => {
        resolve = r;
      });
      this.waiter = { promise, resolve };
    }
    return this.waiter.promise;
  }

  close(): void {
    this.closed = true;
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.socket?.destroy();
    this.socket = undefined;
    this.wake();
  }

  private connect(): void {
    this.retryTimer = undefined;
    if (this.closed) return;
    let connected = false;
    let error: Error | undefined;
    const socket = connect({ host: this.hostname, port: this.port });
    this.socket = socket;
    socket.setEncoding('utf8');
    socket.on('connect', () => {
      connected = true;
      this.settleFirstAttempt();
    });
    socket.on('data', (chunk: string) => {
      this.onData(chunk);
    });
    socket.on('error', (e) => {
      error = e;
    });
    socket.on('close', () => {
      this.onClose(socket, connected, error);
    });
  }

  private onData(chunk: string): void {
    const delimiter = this.delimiter;
    const text = this.partial === '' ? chunk : this.partial + chunk;
    let from = 0;
    for (let at = text.indexOf(delimiter); at !== -1; at = text.indexOf(delimiter, from)) {
      this.pushLine(text.slice(from, at));
      from = at + delimiter.length;
    }
    this.partial = from === 0 ? text : text.slice(from);
    if (!this.paused && this.lines.length - this.head > PAUSE_ABOVE) {
      this.paused = true;
      this.socket?.pause();
    }
    this.wake();
  }

  private pushLine(line: string): void {
    // Lines from Windows-style senders end in `\r\n`; the `\r` is not part of the record.
    if (this.delimiter === '\n' && line.endsWith('\r')) this.lines.push(line.slice(0, -1));
    else this.lines.push(line);
  }

  private onClose(socket: Socket, connected: boolean, error: Error | undefined): void {
    if (this.socket === socket) this.socket = undefined;
    if (this.closed) return;
    // The connection is over, so whatever followed the last delimiter is a complete record.
    if (this.partial !== '') {
      this.pushLine(this.partial);
      this.partial = '';
    }
    this.paused = false;
    const retriesLeft = this.maxRetry === -1 || this.retriesUsed < this.maxRetry;
    if (retriesLeft) {
      this.retriesUsed++;
      this.settleFirstAttempt();
      this.retryTimer = setTimeout(() => {
        this.connect();
      }, RETRY_DELAY_MS);
    } else if (error !== undefined || !connected) {
      const reason = error?.message ?? 'connection closed';
      const failure = new Error(`Socket source could not read from ${this.hostname}:${this.port}: ${reason}`, {
        cause: error,
      });
      if (this.firstAttempt !== undefined) {
        this.firstAttempt.reject(failure);
        this.firstAttempt = undefined;
      }
      this.failure = failure;
    } else {
      this.ended = true;
    }
    this.wake();
  }

  private settleFirstAttempt(): void {
    this.firstAttempt?.resolve();
    this.firstAttempt = undefined;
  }

  /** Drops emitted lines from the front now and then, and resumes a paused socket once drained. */
  private compact(): void {
    const remaining = this.lines.length - this.head;
    if (remaining === 0) {
      this.lines.length = 0;
      this.head = 0;
    } else if (this.head > 4096 && this.head > remaining) {
      this.lines.splice(0, this.head);
      this.head = 0;
    }
    if (this.paused && remaining <= RESUME_AT) {
      this.paused = false;
      this.socket?.resume();
    }
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.resolve();
  }
}
