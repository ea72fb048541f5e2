/**
 * The processing-time clock a keyed state backend uses for TTL and processing-time timers. The
 * task lends its own (timers then run in the task, between records); tests pass a manual one.
 */
export interface ProcessingTimeService {
  now(): number;
  /** Runs `callback` once processing time reaches `time`; returns a function that cancels it. */
  schedule(time: number, callback: () => void): () => void;
}
