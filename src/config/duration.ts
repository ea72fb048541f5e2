/**
 * Durations in configuration values, written the way Flink users write them: `100 ms`, `10 s`, `5 min`, `1h`,
 * or a plain number of milliseconds. Values are returned as milliseconds.
 */

const MS_PER_UNIT = new Map<string, number>();

function defineUnit(ms: number, ...labels: string[]): void {
  for (const label of labels) MS_PER_UNIT.set(label, ms);
}

// Flink reads a bare `m` as minutes for durations (unlike memory sizes, where it means mebibytes).
defineUnit(1e-6, 'ns', 'nano', 'nanos', 'nanosecond', 'nanoseconds');
defineUnit(1e-3, 'µs', 'us', 'micro', 'micros', 'microsecond', 'microseconds');
defineUnit(1, 'ms', 'milli', 'millis', 'millisecond', 'milliseconds');
defineUnit(1_000, 's', 'sec', 'secs', 'second', 'seconds');
defineUnit(60_000, 'm', 'min', 'mins', 'minute', 'minutes');
defineUnit(3_600_000, 'h', 'hour', 'hours');
defineUnit(86_400_000, 'd', 'day', 'days');

const DURATION_PATTERN = /^(\d+)\s*(\D*)$/;

/**
 * Parses `<non-negative integer><optional whitespace><optional unit>`; no unit means milliseconds. Unit names are
 * case-insensitive. Returns `undefined` when the text is not a duration or exceeds the safe-integer range.
 */
export function parseDuration(text: string): number | undefined {
  const match = DURATION_PATTERN.exec(text.trim());
  if (match === null) return undefined;
  const [, digits = '', rawUnit = ''] = match;
  const unit = rawUnit.trim().toLowerCase();
  const msPerUnit = unit === '' ? 1 : MS_PER_UNIT.get(unit);
  if (msPerUnit === undefined) return undefined;
  const amount = Number(digits);
  if (!Number.isSafeInteger(amount)) return undefined;
  const ms = amount * msPerUnit;
  // Sub-millisecond units yield fractions; rounding away float noise keeps `1500 us` at exactly 1.5.
  const rounded = msPerUnit < 1 ? Math.round(ms * 1e6) / 1e6 : ms;
  return Number.isSafeInteger(Math.ceil(rounded)) ? rounded : undefined;
}

const FORMAT_UNITS: readonly (readonly [number, string])[] = [
  [86_400_000, 'd'],
  [3_600_000, 'h'],
  [60_000, 'min'],
  [1_000, 's'],
  [1, 'ms'],
];

/**
 * Renders milliseconds with the largest unit that represents the value exactly (`300000` → `5 min`), so that
 * {@link parseDuration} reads the result back to the same number.
 */
export function formatDuration(ms: number): string {
  if (!Number.isInteger(ms)) return `${Math.round(ms * 1e6)} ns`;
  if (ms === 0) return '0 ms';
  for (const [size, label] of FORMAT_UNITS) {
    if (ms % size === 0) return `${ms / size} ${label}`;
  }
  return `${ms} ms`;
}
