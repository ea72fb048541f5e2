/**
 * A small incremental `multipart/form-data` parser (RFC 7578). It is fed the request body chunk
 * by chunk, finds boundaries that straddle chunks, and hands each part's content to a sink as it
 * arrives, so an upload can go to disk without being held in memory. Sinks may be asynchronous:
 * `write()` resolves only when the sink took the data, which lets the caller stop reading the
 * request while the disk catches up.
 */

/** A malformed body or a limit exceeded; the server answers 400. */
export class MultipartError extends Error {}
Object.defineProperty(MultipartError.prototype, 'name', { value: 'MultipartError' });

export interface MultipartLimits {
  /** Most parts a body may have. */
  readonly maxParts: number;
  /** Most bytes of one part's header block. */
  readonly maxHeaderBytes: number;
}

export const DEFAULT_MULTIPART_LIMITS: MultipartLimits = { maxParts: 32, maxHeaderBytes: 16 * 1024 };

/** What the header block of a part says. */
export interface MultipartPart {
  /** The form field name (`name=` of Content-Disposition). */
  readonly name: string;
  /** The uploaded file's name (`filename=`); undefined for plain fields. */
  readonly filename: string | undefined;
  readonly contentType: string | undefined;
}

/** Receives one part's content. */
export interface PartSink {
  write(chunk: Buffer): void | Promise<void>;
  end(): void | Promise<void>;
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');
const DASH_DASH = Buffer.from('--');
const EMPTY = Buffer.alloc(0);
// RFC 2046 allows 1-70 characters from a restricted set; be tolerant but bounded.
const MAX_BOUNDARY_LENGTH = 200;

/**
 * The boundary of a `multipart/form-data` content type.
 * @throws MultipartError when the type is not multipart/form-data or has no usable boundary.
 */
export function boundaryOf(contentType: string | undefined): string {
  if (contentType === undefined || !/^multipart\/form-data\s*(;|$)/i.test(contentType.trim())) {
    throw new MultipartError(`Expected a multipart/form-data request, got Content-Type '${contentType ?? ''}'.`);
  }
  const params = parseHeaderParams(contentType);
  const boundary = params.get('boundary');
  if (boundary === undefined || boundary.length === 0 || boundary.length > MAX_BOUNDARY_LENGTH) {
    throw new MultipartError('The multipart/form-data Content-Type has no valid boundary parameter.');
  }
  return boundary;
}

type State = 'preamble' | 'after-delimiter' | 'headers' | 'body' | 'done';

export class MultipartParser {
  // A body starts with `--boundary` (no CRLF before it); pretending a CRLF came first lets every
  // delimiter, the first included, be found as `\r\n--boundary`.
  private pending: Buffer = CRLF;
  private state: State = 'preamble';
  private readonly delimiter: Buffer;
  private sink: PartSink | undefined;
  private parts = 0;

  constructor(
    boundary: string,
    private readonly onPart: (part: MultipartPart) => PartSink,
    private readonly limits: MultipartLimits = DEFAULT_MULTIPART_LIMITS,
  ) {
    this.delimiter = Buffer.from(`\r\n--${boundary}`);
  }

  /** True once the closing boundary was read; anything after it is ignored (the epilogue). */
  get finished(): boolean {
    return this.state === 'done';
  }

  /** Feeds the next chunk of the body. @throws MultipartError for malformed content. */
  async write(chunk: Buffer): Promise<void> {
    if (this.state === 'done') return;
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    await this.drain();
  }

  /** Ends the body. @throws MultipartError when the closing boundary never came. */
  end(): void {
    if (this.state !== 'done') throw new MultipartError('The multipart body ended before its closing boundary.');
  }

  private async drain(): Promise<void> {
    for (;;) {
      switch (this.state) {
        case 'preamble': {
          const at = this.pending.indexOf(this.delimiter);
          if (at < 0) {
            this.keepTail();
            return;
          }
          this.pending = this.pending.subarray(at + this.delimiter.length);
          this.state = 'after-delimiter';
          continue;
        }
        case 'after-delimiter': {
          // Transport padding (spaces, tabs) may follow a delimiter before its CRLF.
          let i = 0;
          while (i < this.pending.length && (this.pending[i] === 0x20 || this.pending[i] === 0x09)) i++;
          if (i > 256) throw new MultipartError('Malformed multipart body: too much padding after a boundary.');
          if (this.pending.length - i < 2) return;
          const next = this.pending.subarray(i, i + 2);
          if (next.equals(DASH_DASH)) {
            this.state = 'done';
            this.pending = EMPTY;
            return;
          }
          if (!next.equals(CRLF)) throw new MultipartError('Malformed multipart body: a boundary is not followed by a line break.');
          this.pending = this.pending.subarray(i + 2);
          this.state = 'headers';
          continue;
        }
        case 'headers': {
          const end = this.pending.subarray(0, 2).equals(CRLF) ? 0 : this.pending.indexOf(HEADER_END);
          if (end < 0) {
            if (this.pending.length > this.limits.maxHeaderBytes) {
              throw new MultipartError(`A multipart part's headers exceed ${this.limits.maxHeaderBytes} bytes.`);
            }
            return;
          }
          if (end > this.limits.maxHeaderBytes) throw new MultipartError(`A multipart part's headers exceed ${this.limits.maxHeaderBytes} bytes.`);
          const part = parsePartHeaders(this.pending.subarray(0, end).toString('utf8'));
          if (++this.parts > this.limits.maxParts) throw new MultipartError(`The multipart body has more than ${this.limits.maxParts} parts.`);
          this.pending = this.pending.subarray(end === 0 ? 2 : end + HEADER_END.length);
          this.sink = this.onPart(part);
          this.state = 'body';
          continue;
        }
        case 'body': {
          const sink = this.sink as PartSink;
          const at = this.pending.indexOf(this.delimiter);
          if (at < 0) {
            // The tail might be the start of a delimiter split across chunks: hold it back.
            const safe = this.pending.length - (this.delimiter.length - 1);
            if (safe > 0) {
              const data = this.pending.subarray(0, safe);
              this.pending = this.pending.subarray(safe);
              await sink.write(data);
            }
            return;
          }
          const data = this.pending.subarray(0, at);
          this.pending = this.pending.subarray(at + this.delimiter.length);
          if (data.length > 0) await sink.write(data);
          this.sink = undefined;
          await sink.end();
          this.state = 'after-delimiter';
          continue;
        }
        case 'done':
          this.pending = EMPTY;
          return;
      }
    }
  }

  // Before the first delimiter only a possible partial delimiter needs keeping.
  private keepTail(): void {
    const keep = this.delimiter.length - 1;
    if (this.pending.length > keep) this.pending = Buffer.from(this.pending.subarray(this.pending.length - keep));
  }
}

function parsePartHeaders(block: string): MultipartPart {
  let disposition: string | undefined;
  let contentType: string | undefined;
  for (const line of block.split('\r\n')) {
    if (line.length === 0) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new MultipartError(`Malformed multipart part header: '${truncate(line)}'.`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'content-disposition') disposition = value;
    else if (name === 'content-type') contentType = value;
  }
  if (disposition === undefined || !/^form-data\s*(;|$)/i.test(disposition)) {
    throw new MultipartError('A multipart part has no "Content-Disposition: form-data" header.');
  }
  const params = parseHeaderParams(disposition);
  const name = params.get('name');
  if (name === undefined || name.length === 0) throw new MultipartError('A multipart part has no field name.');
  return { name, filename: params.get('filename*') ?? params.get('filename'), contentType };
}

/**
 * The `key=value` parameters after the first `;` of a header value; quoted values may contain
 * `;` and backslash escapes. `filename*` (RFC 5987, `UTF-8''percent-encoded`) is decoded.
 */
function parseHeaderParams(value: string): Map<string, string> {
  const params = new Map<string, string>();
  let i = value.indexOf(';');
  if (i < 0) return params;
  i++;
  while (i < value.length) {
    while (i < value.length && (value[i] === ' ' || value[i] === '\t' || value[i] === ';')) i++;
    const eq = value.indexOf('=', i);
    if (eq < 0) break;
    const key = value.slice(i, eq).trim().toLowerCase();
    i = eq + 1;
    let v = '';
    if (value[i] === '"') {
      i++;
      while (i < value.length && value[i] !== '"') {
        if (value[i] === '\\' && i + 1 < value.length) i++;
        v += value.charAt(i);
        i++;
      }
      i++;
    } else {
      const end = value.indexOf(';', i);
      v = (end < 0 ? value.slice(i) : value.slice(i, end)).trim();
      i = end < 0 ? value.length : end;
    }
    if (key.endsWith('*')) {
      const decoded = decodeExtendedValue(v);
      if (decoded !== undefined) params.set(key, decoded);
    } else {
      params.set(key, v);
    }
  }
  return params;
}

function decodeExtendedValue(value: string): string | undefined {
  const match = /^([^']*)'[^']*'(.*)$/.exec(value);
  if (match === null) return undefined;
  try {
    return decodeURIComponent(match[2] ?? '');
  } catch {
    return undefined;
  }
}

function truncate(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
