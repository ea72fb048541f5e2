import type { CheckpointBarrier } from '../checkpoint/checkpoint-options.js';

/**
 * What flows through a channel. Data buffers carry a batch of records as objects; between
 * workers they are serialised at the sender and rebuilt at the receiver. Events travel in the
 * same FIFO, so they never overtake the records before them.
 */
export type RuntimeEvent =
  | { readonly type: 'EndOfPartition' }
  | { readonly type: 'Watermark'; readonly watermark: number }
  /** The producer went idle (no watermarks for a while) or active again: consumers leave idle channels out of their minimum. */
  | { readonly type: 'WatermarkStatus'; readonly idle: boolean }
  /** The producer's operators finished: no more records, but barriers may follow (FLIP-147's EndOfData). */
  | { readonly type: 'EndOfData' }
  | { readonly type: 'CheckpointBarrier'; readonly barrier: CheckpointBarrier }
  /** The producer gave up checkpoint `checkpointId`: consumers stop aligning for it. */
  | { readonly type: 'CancelCheckpointMarker'; readonly checkpointId: number };

export interface DataBuffer {
  readonly kind: 'data';
  readonly values: unknown[];
  /** Parallel to `values`; absent when no record of the batch has a timestamp. */
  readonly timestamps: number[] | undefined;
}

export interface EventBuffer {
  readonly kind: 'event';
  readonly event: RuntimeEvent;
}

export type Buffer = DataBuffer | EventBuffer;

export const END_OF_PARTITION: EventBuffer = { kind: 'event', event: { type: 'EndOfPartition' } };

/** Flink's MAX_WATERMARK (Long.MAX_VALUE): sent at the end of bounded input so every timer fires. */
export const MAX_WATERMARK = Number.POSITIVE_INFINITY;

export const END_OF_DATA: EventBuffer = { kind: 'event', event: { type: 'EndOfData' } };
