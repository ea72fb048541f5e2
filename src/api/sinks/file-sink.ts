import { randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';

import type { Sink, SinkWriter, SinkWriterContext } from './sink.js';
import type { Encoder } from '../common/serialization/encoder.js';
import type { OperatorServices } from '../operators/stream-operator.js';
import type { BucketAssigner, BucketAssignerContext } from './bucket-assigner.js';
import type { PartFileInfo, RollingPolicy } from './rolling-policy.js';
import { NO_TIMESTAMP } from '../common/records.js';
import { DateTimeBucketAssigner } from './bucket-assigner.js';
import { DefaultRollingPolicy } from './rolling-policy.js';
import { OutputFileConfig } from './output-file-config.js';

/** Encoded text is written to the part file once this many characters are buffered. */
const WRITE_BUFFER_CHARS = 64 * 1024;
/** Flink's default bucket check interval: how often open parts are asked about time-based rolling. */
const DEFAULT_BUCKET_CHECK_INTERVAL_MS = 60_000;

/**
 * Writes records as text into part files under `basePath` (`FileSink.forRowFormat`), one
 * subdirectory per bucket. A part is written as a hidden in-progress file and only gets its
 * final name `<prefix>-<uid>-<counter><suffix>` once complete, so readers of the directory never
 * see partial files. Parts complete when the rolling policy rolls them and at end of input; a
 * cancelled or failed writer leaves its in-progress files hidden.
 */
export class FileSink<T> implements Sink<T> {
  readonly defaultName = 'File Sink';

  /** Use `FileSink.forRowFormat(...)…build()`. */
  constructor(
    readonly settings: {
      readonly basePath: string;
      readonly encoder: Encoder<T>;
      readonly bucketAssigner: BucketAssigner<T>;
      readonly rollingPolicy: RollingPolicy<T>;
      readonly outputFileConfig: OutputFileConfig;
      readonly bucketCheckInterval: number;
    },
  ) {}

  static forRowFormat<T>(basePath: string, encoder: Encoder<T>): RowFormatBuilder<T> {
    return new RowFormatBuilder(basePath, encoder);
  }

  createWriter(context: SinkWriterContext): SinkWriter<T> {
    return new FileSinkWriter(this.settings, context.services);
  }
}

export class RowFormatBuilder<T> {
  private bucketAssigner: BucketAssigner<T> = new DateTimeBucketAssigner();
  private rollingPolicy: RollingPolicy<T> = DefaultRollingPolicy.builder().build();
  private outputFileConfig = new OutputFileConfig();
  private bucketCheckInterval = DEFAULT_BUCKET_CHECK_INTERVAL_MS;

  constructor(
    private readonly basePath: string,
    private readonly encoder: Encoder<T>,
  ) {}

  withBucketAssigner(assigner: BucketAssigner<T>): this {
    this.bucketAssigner = assigner;
    return this;
  }

  withRollingPolicy(policy: RollingPolicy<T>): this {
    this.rollingPolicy = policy;
    return this;
  }

  withOutputFileConfig(config: OutputFileConfig): this {
    this.outputFileConfig = config;
    return this;
  }

  /** How often (ms) open parts are checked for time-based rolling; default 60 s. */
  withBucketCheckInterval(ms: number): this {
    if (!(ms > 0)) throw new TypeError(`withBucketCheckInterval needs a positive number of ms, got ${ms}`);
    this.bucketCheckInterval = ms;
    return this;
  }

  build(): FileSink<T> {
    return new FileSink<T>({
      basePath: this.basePath,
      encoder: this.encoder,
      bucketAssigner: this.bucketAssigner,
      rollingPolicy: this.rollingPolicy,
      outputFileConfig: this.outputFileConfig,
      bucketCheckInterval: this.bucketCheckInterval,
    });
  }
}

/** A closed part file that still carries its hidden in-progress name. */
interface PendingPart {
  readonly inProgressPath: string;
  readonly finalPath: string;
}

/** The part a bucket is currently writing; what the rolling policy sees of it. */
class InProgressPart implements PartFileInfo {
  size = 0;
  lastUpdateTime: number;
  private buffered = '';

  constructor(
    readonly bucketId: string,
    readonly creationTime: number,
    private readonly fd: number,
    readonly inProgressPath: string,
    readonly finalPath: string,
  ) {
    this.lastUpdateTime = creationTime;
  }

  append(text: string, now: number): void {
    this.buffered += text;
    this.size += Buffer.byteLength(text, 'utf8');
    this.lastUpdateTime = now;
    if (this.buffered.length >= WRITE_BUFFER_CHARS) this.writeBuffered();
  }

  writeBuffered(): void {
    if (this.buffered === '') return;
    const bytes = Buffer.from(this.buffered, 'utf8');
    this.buffered = '';
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(this.fd, bytes, offset, bytes.length - offset);
  }

  /** Writes what is buffered and closes the file, which keeps its in-progress name. */
  close(): PendingPart {
    try {
      this.writeBuffered();
    } finally {
      closeSync(this.fd);
    }
    return { inProgressPath: this.inProgressPath, finalPath: this.finalPath };
  }
}

/**
 * One writer per subtask. Parts go in-progress → closed (pending) → committed (renamed to the
 * final name). Today a closed part is committed straight away; with checkpoints, `commitPart`
 * will move to checkpoint completion and `pending` will be what a checkpoint hands over.
 */
class FileSinkWriter<T> implements SinkWriter<T> {
  /** Regenerated for every writer instance, so a restarted attempt never reuses a name. */
  private readonly uid = randomUUID();
  private partCounter = 0;
  private readonly parts = new Map<string, InProgressPart>();
  private readonly pending: PendingPart[] = [];
  private readonly createdDirs = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  /** A failure in the timer callback, rethrown on the next call the runtime makes. */
  private timerFailure: unknown;
  private timerFailed = false;
  private currentTimestamp = NO_TIMESTAMP;
  private readonly assignerContext: BucketAssignerContext;

  constructor(
    private readonly settings: FileSink<T>['settings'],
    private readonly services: OperatorServices,
  ) {
    this.assignerContext = {
      currentProcessingTime: () => this.services.processingTime(),
      timestamp: () => (this.currentTimestamp === NO_TIMESTAMP ? undefined : this.currentTimestamp),
    };
  }

  write(value: T, timestamp: number): void {
    this.rethrowTimerFailure();
    this.currentTimestamp = timestamp;
    const now = this.services.processingTime();
    const bucketId = this.settings.bucketAssigner.getBucketId(value, this.assignerContext);
    let part = this.parts.get(bucketId);
    const policy = this.settings.rollingPolicy;
    if (part !== undefined && (policy.shouldRollOnEvent(part, value) || policy.shouldRollOnProcessingTime(part, now))) {
      this.rollPart(part);
      part = undefined;
    }
    part ??= this.openPart(bucketId, now);
    part.append(this.settings.encoder.encode(value), now);
  }

  flush(endOfInput: boolean): void {
    this.rethrowTimerFailure();
    if (!endOfInput) {
      for (const part of this.parts.values()) part.writeBuffered();
      return;
    }
    for (const part of Array.from(this.parts.values())) this.closePart(part);
    this.commitPending();
    this.stopTimer();
  }

  /**
   * Closes open parts without committing them (cancel or failure): they keep their hidden
   * in-progress names and never become visible part files.
   */
  close(): void {
    this.stopTimer();
    let firstError: unknown;
    let failed = false;
    for (const part of this.parts.values()) {
      try {
        part.close();
      } catch (e) {
        if (!failed) firstError = e;
        failed = true;
      }
    }
    this.parts.clear();
    if (failed) throw firstError;
  }

  private openPart(bucketId: string, now: number): InProgressPart {
    const dir = bucketId === '' ? this.settings.basePath : join(this.settings.basePath, bucketId);
    if (!this.createdDirs.has(dir)) {
      mkdirSync(dir, { recursive: true });
      this.createdDirs.add(dir);
    }
    const { partPrefix, partSuffix } = this.settings.outputFileConfig;
    const name = `${partPrefix}-${this.uid}-${this.partCounter++}${partSuffix}`;
    // The leading dot hides the file from readers (and from file sources) until it is committed.
    const inProgressPath = join(dir, `.${name}.inprogress.${randomUUID()}`);
    const fd = openSync(inProgressPath, 'wx');
    const part = new InProgressPart(bucketId, now, fd, inProgressPath, join(dir, name));
    this.parts.set(bucketId, part);
    this.startTimer();
    return part;
  }

  private rollPart(part: InProgressPart): void {
    this.closePart(part);
    this.commitPending();
  }

  /** Closes a part; it stays hidden (pending) until committed. */
  private closePart(part: InProgressPart): void {
    this.parts.delete(part.bucketId);
    this.pending.push(part.close());
  }

  private commitPending(): void {
    while (this.pending.length > 0) {
      this.commitPart(this.pending[0] as PendingPart);
      this.pending.shift();
    }
  }

  /** Publishes a closed part under its final name. */
  private commitPart(part: PendingPart): void {
    renameSync(part.inProgressPath, part.finalPath);
  }

  /** Rolls parts by time even when no records arrive (rollover and inactivity intervals). */
  private onTimer(): void {
    const now = this.services.processingTime();
    const policy = this.settings.rollingPolicy;
    for (const part of Array.from(this.parts.values())) {
      if (policy.shouldRollOnProcessingTime(part, now)) this.rollPart(part);
    }
  }

  private startTimer(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => {
      try {
        this.onTimer();
      } catch (e) {
        // Throwing from a timer would crash the worker thread; surface it through the task instead.
        this.timerFailure = e;
        this.timerFailed = true;
        this.stopTimer();
      }
    }, this.settings.bucketCheckInterval);
  }

  private stopTimer(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  private rethrowTimerFailure(): void {
    if (this.timerFailed) throw this.timerFailure;
  }
}
