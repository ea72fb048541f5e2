import type { Sink, SinkWriter, SinkWriterContext } from './sink.js';
import type { OperatorServices } from '../operators/stream-operator.js';
import { formatValue } from '../../core/format-value.js';

/** Buffered output is handed over once it passes this many characters. */
const FLUSH_ABOVE_CHARS = 16 * 1024;
/** …or at the latest this long after the first buffered line, so slow streams still print promptly. */
const FLUSH_DELAY_MS = 50;

/**
 * Prints each record on its own line (`print()` / `printToErr()`), prefixed as Flink does:
 * `identifier:N> ` with an identifier at parallelism > 1, `N> ` at parallelism > 1,
 * `identifier> ` with an identifier at parallelism 1, nothing otherwise (N = subtask index + 1).
 */
export class PrintSink<T> implements Sink<T> {
  readonly defaultName: string;

  constructor(
    readonly sinkIdentifier?: string,
    readonly stdErr = false,
  ) {
    this.defaultName = stdErr ? 'Print to Std. Err' : 'Print to Std. Out';
  }

  createWriter(context: SinkWriterContext): SinkWriter<T> {
    return new PrintWriter<T>(printPrefix(this.sinkIdentifier, context), context.services, this.stdErr);
  }
}

function printPrefix(identifier: string | undefined, context: SinkWriterContext): string {
  const hasIdentifier = identifier !== undefined && identifier !== '';
  if (context.parallelism > 1) {
    const n = context.subtaskIndex + 1;
    return hasIdentifier ? `${identifier}:${n}> ` : `${n}> `;
  }
  return hasIdentifier ? `${identifier}> ` : '';
}

/**
 * Collects printed lines and hands them to the TaskManager's stdout/stderr in chunks: one message
 * per line would make printing a large result cost a cross-thread message per record.
 */
class PrintWriter<T> implements SinkWriter<T> {
  private buffer = '';
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly prefix: string,
    private readonly services: OperatorServices,
    private readonly stdErr: boolean,
  ) {}

  write(value: T, _timestamp: number): void {
    this.buffer += this.prefix + formatValue(value) + '\n';
    if (this.buffer.length > FLUSH_ABOVE_CHARS) {
      this.emit();
    } else if (this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.emit();
      }, FLUSH_DELAY_MS);
    }
  }

  flush(_endOfInput: boolean): void {
    this.emit();
  }

  close(): void {
    this.emit();
  }

  private emit(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.buffer === '') return;
    const text = this.buffer;
    this.buffer = '';
    if (this.stdErr) this.services.stderr(text);
    else this.services.stdout(text);
  }
}
