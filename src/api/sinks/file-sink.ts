import type { Sink, SinkWriterContext } from './sink.js';
import type { Committer, SupportsCommitter } from './committing-sink.js';
import type { Encoder } from '../common/serialization/encoder.js';
import type { BucketAssigner } from './bucket-assigner.js';
import type { FileSinkCommittable } from './file-committer.js';
import type { RollingPolicy } from './rolling-policy.js';
import type { FileSinkWriterSettings } from './file-sink-writer.js';
import { DateTimeBucketAssigner } from './bucket-assigner.js';
import { FileCommitter } from './file-committer.js';
import { FileSinkWriter } from './file-sink-writer.js';
import { DefaultRollingPolicy } from './rolling-policy.js';
import { OutputFileConfig } from './output-file-config.js';

/** Flink's default bucket check interval: how often open parts are asked about time-based rolling. */
const DEFAULT_BUCKET_CHECK_INTERVAL_MS = 60_000;

/**
 * Writes records as text into part files under `basePath` (`FileSink.forRowFormat`), one
 * subdirectory per bucket. A part is written as a hidden in-progress file and only gets its
 * final name `<prefix>-<uid>-<counter><suffix>` once complete, so readers of the directory never
 * see partial files. Without checkpointing, parts complete when the rolling policy rolls them and
 * at end of input. With checkpointing, every open part is closed at each checkpoint and all parts
 * closed since the previous one become visible when that checkpoint completes (exactly once: a
 * restore commits what the checkpoint holds, and what a failed attempt wrote after it stays
 * hidden). A cancelled or failed writer leaves its files hidden.
 */
export class FileSink<T> implements Sink<T>, SupportsCommitter<FileSinkCommittable> {
  readonly defaultName = 'File Sink';

  /** Use `FileSink.forRowFormat(...)…build()`. */
  constructor(readonly settings: FileSinkWriterSettings<T>) {}

  static forRowFormat<T>(basePath: string, encoder: Encoder<T>): RowFormatBuilder<T> {
    return new RowFormatBuilder(basePath, encoder);
  }

  createWriter(context: SinkWriterContext): FileSinkWriter<T> {
    return new FileSinkWriter(this.settings, context.services, context.checkpointingEnabled === true);
  }

  createCommitter(): Committer<FileSinkCommittable> {
    return new FileCommitter();
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
