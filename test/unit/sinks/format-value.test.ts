import { test } from 'node:test';
import assert from 'node:assert/strict';

import { formatValue } from '../../../src/core/format-value.js';

test('strings print as-is and numbers as JavaScript prints them', () => {
  assert.equal(formatValue('hello'), 'hello');
  assert.equal(formatValue(''), '');
  assert.equal(formatValue(3), '3');
  assert.equal(formatValue(3.0), '3');
  assert.equal(formatValue(-1.5), '-1.5');
  assert.equal(formatValue(Number.NaN), 'NaN');
  assert.equal(formatValue(12345678901234567890n), '12345678901234567890');
  assert.equal(formatValue(true), 'true');
});

test('arrays print as Flink tuples, recursively', () => {
  assert.equal(formatValue(['hello', 3]), '(hello,3)');
  assert.equal(formatValue([1, ['a', [2, 3]], 'b']), '(1,(a,(2,3)),b)');
  assert.equal(formatValue([]), '()');
  assert.equal(formatValue([null, undefined]), '(null,undefined)');
});

test('null, undefined and dates', () => {
  assert.equal(formatValue(null), 'null');
  assert.equal(formatValue(undefined), 'undefined');
  assert.equal(formatValue(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6))), '2024-01-02T03:04:05.006Z');
});

test('objects with their own toString use it; plain objects print as JSON', () => {
  class Point {
    constructor(
      readonly x: number,
      readonly y: number,
    ) {}
    toString(): string {
      return `Point(${this.x}, ${this.y})`;
    }
  }
  class SubPoint extends Point {}
  class Bare {
    readonly a = 1;
  }
  assert.equal(formatValue(new Point(1, 2)), 'Point(1, 2)');
  assert.equal(formatValue(new SubPoint(3, 4)), 'Point(3, 4)');
  assert.equal(formatValue({ b: 1, a: 'x' }), '{"b":1,"a":"x"}');
  assert.equal(formatValue(new Bare()), '{"a":1}');
  assert.equal(formatValue(Object.assign(Object.create(null) as object, { k: 2 })), '{"k":2}');
  assert.equal(formatValue([{ word: 'a' }, 1]), '({"word":"a"},1)');
});

test('Maps print like Java maps, Sets like Java collections', () => {
  assert.equal(
    formatValue(
      new Map<unknown, unknown>([
        ['a', 1],
        ['b', [2, 3]],
      ]),
    ),
    '{a=1, b=(2,3)}',
  );
  assert.equal(formatValue(new Map()), '{}');
  assert.equal(formatValue(new Set([1, 'x'])), '[1, x]');
});

test('values JSON cannot show still print', () => {
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assert.equal(formatValue(cyclic), '[object Object]');
  assert.equal(formatValue({ n: 1n }), '{"n":"1"}');
});
