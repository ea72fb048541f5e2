/**
 * The reduce functions behind `sum`, `min`, `max`, `minBy` and `maxBy`, with Flink's semantics:
 * `sum`/`min`/`max` change only the aggregated field of the first record seen for the key;
 * `minBy`/`maxBy` keep the whole record holding the extreme (the first one on ties).
 */
export type FieldExpression = number | string;
export type AggregationType = 'SUM' | 'MIN' | 'MAX' | 'MINBY' | 'MAXBY';

export function aggregationReducer<T>(type: AggregationType, field: FieldExpression): (a: T, b: T) => T {
  const path = parseField(field);
  if (type === 'SUM' && typeof field === 'number') return tupleSum(field) as (a: T, b: T) => T;
  const get = (record: T): unknown => readField(record, path, field);
  switch (type) {
    case 'SUM':
      return (a, b) => writeField(a, path, add(get(a), get(b), field));
    case 'MIN':
      return (a, b) => writeField(a, path, compare(get(b), get(a), field) < 0 ? get(b) : get(a));
    case 'MAX':
      return (a, b) => writeField(a, path, compare(get(b), get(a), field) > 0 ? get(b) : get(a));
    case 'MINBY':
      return (a, b) => (compare(get(b), get(a), field) < 0 ? b : a);
    case 'MAXBY':
      return (a, b) => (compare(get(b), get(a), field) > 0 ? b : a);
  }
}

/**
 * `sum(i)` on tuples is WordCount's hot path: one array copy and one addition per record instead
 * of the generic path walk. Falls back to the generic rules for anything but two numbers.
 */
/**
 * In-place variant of `sum(i)` on tuples for accumulators the reduce operator owns; returns false
 * (leaving the accumulator untouched) when the generic rules must apply.
 */
export function aggregationMergeInPlace<T>(type: AggregationType, field: FieldExpression): ((acc: T, value: T) => boolean) | undefined {
  if (type !== 'SUM' || typeof field !== 'number') return undefined;
  return (acc, value) => {
    if (!Array.isArray(acc) || !Array.isArray(value)) return false;
    const x: unknown = acc[field];
    const y: unknown = value[field];
    if (typeof x !== 'number' || typeof y !== 'number') return false;
    acc[field] = x + y;
    return true;
  };
}

function tupleSum(index: number): (a: unknown, b: unknown) => unknown {
  const generic = (a: unknown, b: unknown): unknown =>
    writeField(a, [index], add(readField(a, [index], index), readField(b, [index], index), index));
  return (a, b) => {
    if (Array.isArray(a) && Array.isArray(b)) {
      const x: unknown = a[index];
      const y: unknown = b[index];
      if (typeof x === 'number' && typeof y === 'number') {
        const copy: unknown[] = a.slice();
        copy[index] = x + y;
        return copy;
      }
    }
    return generic(a, b);
  };
}

function parseField(field: FieldExpression): (string | number)[] {
  if (typeof field === 'number') {
    if (!Number.isInteger(field) || field < 0) throw new TypeError(`Invalid tuple position ${field}: expected an integer >= 0.`);
    return [field];
  }
  if (field.length === 0) throw new TypeError('Field expression must not be empty.');
  return field.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

function readField(record: unknown, path: (string | number)[], field: FieldExpression): unknown {
  let current: unknown = record;
  for (const part of path) {
    if (current === null || typeof current !== 'object') {
      throw new TypeError(`Cannot aggregate on field '${String(field)}': record ${describe(record)} has no such field.`);
    }
    current = (current as Record<string | number, unknown>)[part];
  }
  if (current === undefined) {
    throw new TypeError(`Cannot aggregate on field '${String(field)}': record ${describe(record)} has no such field.`);
  }
  return current;
}

/** Copies along the path so the input record (which may be shared with other operators) is untouched. */
function writeField<T>(record: T, path: (string | number)[], value: unknown): T {
  const copy = shallowCopy(record);
  let target = copy as Record<string | number, unknown>;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i] as string | number;
    const child = shallowCopy(target[key]);
    target[key] = child;
    target = child as Record<string | number, unknown>;
  }
  target[path[path.length - 1] as string | number] = value;
  return copy;
}

function shallowCopy<V>(value: V): V {
  if (Array.isArray(value)) return [...value] as V;
  if (value !== null && typeof value === 'object') {
    return Object.assign(Object.create(Object.getPrototypeOf(value) as object) as object, value);
  }
  return value;
}

function add(a: unknown, b: unknown, field: FieldExpression): unknown {
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  if (typeof a === 'bigint' && typeof b === 'bigint') return a + b;
  throw new TypeError(`Cannot sum field '${String(field)}': values ${describe(a)} and ${describe(b)} are not both numbers.`);
}

function compare(a: unknown, b: unknown, field: FieldExpression): number {
  if ((typeof a === 'number' && typeof b === 'number') || (typeof a === 'bigint' && typeof b === 'bigint')) {
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  throw new TypeError(`Cannot compare field '${String(field)}': values ${describe(a)} and ${describe(b)} are not comparable.`);
}

function describe(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
