/** What a bucket assigner may consult besides the record. */
export interface BucketAssignerContext {
  currentProcessingTime(): number;
  /** The record's event timestamp, or undefined when it has none. */
  timestamp(): number | undefined;
}

/**
 * Chooses the bucket (a subdirectory of the sink's base path, `''` for the base path itself) a
 * record is written to. Bucket ids may contain `/` for nested directories.
 */
export interface BucketAssigner<T> {
  getBucketId(value: T, context: BucketAssignerContext): string;
}

/** Writes every record directly into the base path. */
export class BasePathBucketAssigner implements BucketAssigner<unknown> {
  getBucketId(_value: unknown, _context: BucketAssignerContext): string {
    return '';
  }
}

type Part = string | ((d: Date) => string);

const FIELDS: Readonly<Record<string, (d: Date) => string>> = {
  yyyy: (d) => String(d.getFullYear()).padStart(4, '0'),
  MM: (d) => two(d.getMonth() + 1),
  dd: (d) => two(d.getDate()),
  HH: (d) => two(d.getHours()),
  mm: (d) => two(d.getMinutes()),
  ss: (d) => two(d.getSeconds()),
};

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/**
 * Buckets records by the processing time at which they are written, formatted in the local time
 * zone with a date pattern (default `yyyy-MM-dd--HH`: one directory per hour). Supported pattern
 * letters: `yyyy MM dd HH mm ss`; other letters must be quoted (`'T'`), `''` is a quote.
 */
export class DateTimeBucketAssigner implements BucketAssigner<unknown> {
  private readonly parts: readonly Part[];
  // Records arrive in bursts within the same second: format each second once.
  private cachedSecond = Number.NaN;
  private cachedId = '';

  constructor(readonly format = 'yyyy-MM-dd--HH') {
    this.parts = compilePattern(format);
  }

  getBucketId(_value: unknown, context: BucketAssignerContext): string {
    const now = context.currentProcessingTime();
    const second = Math.floor(now / 1000);
    if (second !== this.cachedSecond) {
      const date = new Date(now);
      let id = '';
      for (const part of this.parts) id += typeof part === 'string' ? part : part(date);
      this.cachedSecond = second;
      this.cachedId = id;
    }
    return this.cachedId;
  }
}

function compilePattern(format: string): Part[] {
  const parts: Part[] = [];
  let literal = '';
  let i = 0;
  while (i < format.length) {
    const c = format.charAt(i);
    if (c === "'") {
      // `''` is a literal quote; otherwise everything up to the closing quote is literal text.
      if (format.charAt(i + 1) === "'") {
        literal += "'";
        i += 2;
        continue;
      }
      const close = format.indexOf("'", i + 1);
      if (close === -1) throw new TypeError(`Unterminated quote in DateTimeBucketAssigner format '${format}'`);
      literal += format.slice(i + 1, close);
      i = close + 1;
      continue;
    }
    if (!/[A-Za-z]/.test(c)) {
      literal += c;
      i++;
      continue;
    }
    let j = i;
    while (format.charAt(j) === c) j++;
    const field = FIELDS[format.slice(i, j)];
    if (field === undefined) {
      throw new TypeError(
        `Unsupported pattern '${format.slice(i, j)}' in DateTimeBucketAssigner format '${format}': ` +
          'supported are yyyy, MM, dd, HH, mm, ss (quote other letters)',
      );
    }
    if (literal !== '') parts.push(literal);
    literal = '';
    parts.push(field);
    i = j;
  }
  if (literal !== '') parts.push(literal);
  return parts;
}
