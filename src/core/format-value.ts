/**
 * How records print (print sink, text encoders): the way Flink's `toString()` shows Java values,
 * so that job output looks the same as Flink's. Tuples are arrays and print as `(a,b,c)`.
 *
 * This runs once per printed record, so the common cases (strings, numbers) return before any
 * type dispatch.
 */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return formatOther(value);
}

function formatOther(value: unknown): string {
  switch (typeof value) {
    case 'bigint':
    case 'boolean':
    case 'symbol':
      return value.toString();
    case 'undefined':
      return 'undefined';
    case 'function':
      return `[Function ${value.name === '' ? '(anonymous)' : value.name}]`;
    case 'string':
    case 'number':
      return String(value);
    case 'object':
      return value === null ? 'null' : formatObject(value);
  }
}

function formatObject(value: object): string {
  // Tuples: Flink's Tuple.toString() joins fields with ',' (no space) inside parentheses.
  if (Array.isArray(value)) return formatTuple(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  // Java's AbstractMap.toString(): `{k=v, k2=v2}`.
  if (value instanceof Map) return formatEntries(value);
  // Java's AbstractCollection.toString(): `[a, b]`.
  if (value instanceof Set) return `[${Array.from(value, formatValue).join(', ')}]`;
  // A class (or a prototype chain) that defines its own toString says how it wants to print,
  // as a POJO with toString() does in Flink.
  const toString = (value as { toString?: unknown }).toString;
  if (typeof toString === 'function' && toString !== Object.prototype.toString) {
    return String((toString as () => unknown).call(value));
  }
  return formatPlainObject(value);
}

function formatTuple(fields: readonly unknown[]): string {
  let out = '(';
  for (let i = 0; i < fields.length; i++) {
    if (i > 0) out += ',';
    out += formatValue(fields[i]);
  }
  return out + ')';
}

function formatEntries(map: ReadonlyMap<unknown, unknown>): string {
  const parts: string[] = [];
  for (const [k, v] of map) parts.push(`${formatValue(k)}=${formatValue(v)}`);
  return `{${parts.join(', ')}}`;
}

function formatPlainObject(value: object): string {
  try {
    // JSON.stringify throws on bigint fields; print them as their digits instead of failing the job.
    return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  } catch {
    // Cyclic objects cannot be JSON; printing must never fail a job.
    return Object.prototype.toString.call(value);
  }
}
