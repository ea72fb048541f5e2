/**
 * Memory sizes in configuration values, written the way Flink users write them: `1728m`, `1600 mb`, `1g`,
 * `32 kb`, or a plain number of bytes. Units are binary (1 kb = 1024 bytes). Values are returned as bytes.
 */

const BYTES_PER_UNIT = new Map<string, number>();

function defineUnit(bytes: number, ...labels: string[]): void {
  for (const label of labels) BYTES_PER_UNIT.set(label, bytes);
}

defineUnit(1, 'b', 'bytes');
defineUnit(1024, 'k', 'kb', 'kibibytes');
defineUnit(1024 ** 2, 'm', 'mb', 'mebibytes');
defineUnit(1024 ** 3, 'g', 'gb', 'gibibytes');
defineUnit(1024 ** 4, 't', 'tb', 'tebibytes');

const MEMORY_PATTERN = /^(\d+)\s*(\D*)$/;

/**
 * Parses `<non-negative integer><optional whitespace><optional unit>`; no unit means bytes. Unit names are
 * case-insensitive. Returns `undefined` when the text is not a memory size or exceeds the safe-integer range.
 */
export function parseMemorySize(text: string): number | undefined {
  const match = MEMORY_PATTERN.exec(text.trim());
  if (match === null) return undefined;
  const [, digits = '', rawUnit = ''] = match;
  const unit = rawUnit.trim().toLowerCase();
  const bytesPerUnit = unit === '' ? 1 : BYTES_PER_UNIT.get(unit);
  if (bytesPerUnit === undefined) return undefined;
  const bytes = Number(digits) * bytesPerUnit;
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

const FORMAT_UNITS: readonly (readonly [number, string])[] = [
  [1024 ** 4, 'tb'],
  [1024 ** 3, 'gb'],
  [1024 ** 2, 'mb'],
  [1024, 'kb'],
];

/**
 * Renders bytes with the largest unit that represents the value exactly (`1811939328` → `1728 mb`), so that
 * {@link parseMemorySize} reads the result back to the same number.
 */
export function formatMemorySize(bytes: number): string {
  if (bytes !== 0) {
    for (const [size, label] of FORMAT_UNITS) {
      if (bytes % size === 0) return `${bytes / size} ${label}`;
    }
  }
  return `${bytes} bytes`;
}
