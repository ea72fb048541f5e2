/**
 * Keys of keyed streams index JS Maps, which compare by identity. Primitive keys are used as they
 * are; composite keys (tuples, objects) are turned into a canonical string so that two equal
 * composite keys built by different records land on the same entry.
 */
export function toMapKey(key: unknown): unknown {
  const t = typeof key;
  if (t === 'string' || t === 'number' || t === 'boolean' || t === 'bigint' || key === null || key === undefined) {
    return key;
  }
  return '\u0000' + canonicalJson(key);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return '[' + value.map(canonicalJson).join(',') + ']';
  if (value instanceof Date) return `{"$date":${value.getTime()}}`;
  if (typeof value === 'bigint') return `{"$bigint":"${value.toString()}"}`;
  if (typeof value === 'object' && value !== null) {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj).sort();
    return '{' + keys.map((k) => JSON.stringify(k) + ':' + canonicalJson(obj[k])).join(',') + '}';
  }
  return JSON.stringify(value) ?? 'null';
}
