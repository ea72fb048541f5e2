/**
 * Whether a stream (a source subtask, a network channel) is expected to produce watermarks.
 * An IDLE input is left out of the minimum a task takes over its inputs, so it cannot hold the
 * event-time clock back (Flink's WatermarkStatus).
 */
export type WatermarkStatus = 'IDLE' | 'ACTIVE';
