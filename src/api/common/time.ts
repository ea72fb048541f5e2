/**
 * Durations as the API takes them: plain milliseconds. Flink passes `Duration`/`Time` objects;
 * numbers keep the hot paths (timers, watermarks) free of wrappers, and these helpers keep call
 * sites readable: `forBoundedOutOfOrderness(Time.seconds(5))`.
 */
export const Time = {
  milliseconds: (n: number): number => n,
  seconds: (n: number): number => n * 1000,
  minutes: (n: number): number => n * 60_000,
  hours: (n: number): number => n * 3_600_000,
  days: (n: number): number => n * 86_400_000,
} as const;
