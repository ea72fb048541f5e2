/**
 * A minimal leveled logger writing Flink-style lines (`<time> <LEVEL> <component> - <message>`).
 * Components log through it so that log files and tests can grep for Flink's log lines.
 */
export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

const ORDER: Record<LogLevel, number> = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40 };

export interface LogSink {
  write(line: string): void;
}

export class Logger {
  constructor(
    private readonly component: string,
    private readonly sink: LogSink,
    private readonly threshold: LogLevel,
  ) {}

  child(component: string): Logger {
    return new Logger(component, this.sink, this.threshold);
  }

  debug(message: string): void {
    this.log('DEBUG', message);
  }
  info(message: string): void {
    this.log('INFO', message);
  }
  warn(message: string): void {
    this.log('WARN', message);
  }
  error(message: string, error?: unknown): void {
    const detail = error instanceof Error ? `\n${error.stack ?? error.message}` : '';
    this.log('ERROR', message + detail);
  }

  private log(level: LogLevel, message: string): void {
    if (ORDER[level] < ORDER[this.threshold]) return;
    this.sink.write(`${new Date().toISOString()} ${level.padEnd(5)} ${this.component} - ${message}\n`);
  }
}

/** Collects lines in memory; the local target keeps its logs here unless asked to print them. */
export class MemoryLogSink implements LogSink {
  readonly lines: string[] = [];
  write(line: string): void {
    this.lines.push(line);
  }
}

export const stderrSink: LogSink = { write: (line) => process.stderr.write(line) };

export function rootLogger(sink: LogSink = stderrSink, level: LogLevel = 'INFO'): Logger {
  return new Logger('flink-ts', sink, level);
}
