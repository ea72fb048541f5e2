import { randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';

import type { CommittingSinkWriter } from './committing-sink.js';
import type { Encoder } from '../common/serialization/encoder.js';
import type { OperatorServices } from '../operators/stream-operator.js';
import type { BucketAssigner, BucketAssignerContext } from './bucket-assigner.js';
import type { FileSinkCommittable } from './file-committer.js';
import type { PartFileInfo, RollingPolicy } from './rolling-policy.js';
import type { OutputFileConfig } from './output-file-config.js';
import { NO_TIMESTAMP } from '../common/records.js';
import { commitPendingFile } from './file-committer.js';

/** Encoded text is written to the part file once this many characters are buffered. */
const WRITE_BUFFER_CHARS = 64 * 1024;

/** What a FileSink writer needs of its sink's configuration. */
export interface FileSinkWriterSettings<T> {
  readonly basePath: string;
  readonly encoder: Encoder<T>;
  readonly bucketAssigner: BucketAssigner<T>;
  readonly rollingPolicy: RollingPolicy<T>;
  readonly outputFileConfig: OutputFileConfig;
  readonly bucketCheckInterval: number;
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

  /** Writes what is buffered and closes the file, which keeps its hidden in-progress name. */
  close(): FileSinkCommittable {
    try {
      this.writeBuffered();
    } finally {
      closeSync(this.fd);
    }
    return { bucketId: this.bucketId, inProgressPath: this.inProgressPath, finalPath: this.finalPath };
  }
}

/**
 * One writer per subtask. A part goes in-progress (open, hidden) → pending (closed, still hidden)
 * → finished (renamed to its final name). Who finishes a pending part depends on checkpointing:
 *
 * - without checkpointing the writer renames it at once, when the rolling policy rolls it and at
 *   end of input;
 * - with checkpointing it waits in `pending` until the next checkpoint, where `prepareCommit`
 *   also closes every open part and hands them all over as committables; the committer renames
 *   them once that checkpoint completes. Rolling every part at every checkpoint is what makes
 *   recovery simple: a checkpoint never refers to an open file, so the files a failed attempt
 *   was writing are garbage that stays hidden, and a restored writer starts fresh parts under a
 *   new uid instead of resuming (truncating) an old one.
 *
 * A cancelled or failed writer (`close` without end of input) finishes nothing.
 */
export class FileSinkWriter<T> implements CommittingSinkWriter<T, FileSinkCommittable> {
  /** Regenerated for every writer instance, so a restarted attempt never reuses a name. */
  private readonly uid = randomUUID();
  private partCounter = 0;
  private readonly parts = new Map<string, InProgressPart>();
  /** Closed parts not yet handed to a commit, in the order they were closed. */
  private pending: FileSinkCommittable[] = [];
  private readonly createdDirs = new Set<string>();
  private cancelTimer: (() => void) | undefined;
  private currentTimestamp = NO_TIMESTAMP;
  private readonly assignerContext: BucketAssignerContext;

  constructor(
    private readonly settings: FileSinkWriterSettings<T>,
    private readonly services: OperatorServices,
    private readonly checkpointing: boolean,
  ) {
    this.assignerContext = {
      currentProcessingTime: () => this.services.processingTime(),
      timestamp: () => (this.currentTimestamp === NO_TIMESTAMP ? undefined : this.currentTimestamp),
    };
  }

  write(value: T, timestamp: number): void {
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
    if (!endOfInput) {
      for (const part of this.parts.values()) part.writeBuffered();
      return;
    }
    this.stopTimer();
    this.closeAllParts();
    // With checkpointing the final checkpoint's prepareCommit hands these over.
    if (!this.checkpointing) this.commitPending();
  }

  prepareCommit(): FileSinkCommittable[] {
    this.closeAllParts();
    if (!this.checkpointing) {
      // A savepoint of a job without checkpointing: behave as if the parts rolled.
      this.commitPending();
      return [];
    }
    const committables = this.pending;
    this.pending = [];
    return committables;
  }

  /**
   * Closes open parts without committing them (cancel or failure): they keep their hidden
   * in-progress names and never become visible part files, and neither do pending parts.
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
    this.pending = [];
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
    this.scheduleTimer();
    return part;
  }

  /** Closes a part the rolling policy rolled; with checkpointing it stays pending until a checkpoint completes. */
  private rollPart(part: InProgressPart): void {
    this.closePart(part);
    if (!this.checkpointing) this.commitPending();
  }

  private closePart(part: InProgressPart): void {
    this.parts.delete(part.bucketId);
    this.pending.push(part.close());
  }

  private closeAllParts(): void {
    for (const part of Array.from(this.parts.values())) this.closePart(part);
  }

  private commitPending(): void {
    // One at a time, so a failed rename leaves the parts after it pending rather than lost.
    while (this.pending.length > 0) {
      commitPendingFile(this.pending[0] as FileSinkCommittable);
      this.pending.shift();
    }
  }

  /** Rolls parts by time even when no records arrive (rollover and inactivity intervals). */
  private onTimer(): void {
    const now = this.services.processingTime();
    const policy = this.settings.rollingPolicy;
    for (const part of Array.from(this.parts.values())) {
      if (policy.shouldRollOnProcessingTime(part, now)) this.rollPart(part);
    }
  }

  /**
   * Checks open parts every bucket check interval while any is open. The task runs the callback
   * between records and never inside a checkpoint, so a roll belongs to exactly one checkpoint.
   */
  private scheduleTimer(): void {
    if (this.cancelTimer !== undefined) return;
    const at = this.services.processingTime() + this.settings.bucketCheckInterval;
    this.cancelTimer = this.services.scheduleProcessingTime(at, () => {
      this.cancelTimer = undefined;
      this.onTimer();
      if (this.parts.size > 0) this.scheduleTimer();
    });
  }

  private stopTimer(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
  }
}
