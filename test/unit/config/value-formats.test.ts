import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BUFFERS_PER_CHANNEL,
  FAILOVER_STRATEGY,
  MANAGED_MEMORY_FRACTION,
  OBJECT_REUSE,
  PARALLELISM_DEFAULT,
  REST_PORT,
  RUNTIME_MODE,
  TASK_MANAGER_RPC_PORT,
  TMP_DIRS,
  formatDuration,
  formatMemorySize,
  formatOptionValue,
  parseDuration,
  parseMemorySize,
  parseOptionValue,
} from '../../../src/config/index.js';
import type { ConfigOption, ParseResult } from '../../../src/config/index.js';

function valueOf(option: ConfigOption<unknown>, raw: unknown): unknown {
  const result: ParseResult = parseOptionValue(option, raw);
  return result.ok ? result.value : `invalid: expected ${result.expected}`;
}

describe('parseDuration', () => {
  const cases: readonly (readonly [string, number])[] = [
    ['100 ms', 100],
    ['100ms', 100],
    ['100', 100],
    ['10 s', 10_000],
    ['10s', 10_000],
    ['10 seconds', 10_000],
    ['1 min', 60_000],
    ['1m', 60_000],
    ['5 minutes', 300_000],
    ['1h', 3_600_000],
    ['2 hours', 7_200_000],
    ['1 d', 86_400_000],
    ['3 days', 259_200_000],
    ['  7 MS ', 7],
    ['1500 us', 1.5],
    ['2000000 ns', 2],
    ['0', 0],
  ];
  for (const [text, ms] of cases) {
    test(`reads '${text}' as ${ms} ms`, () => {
      assert.equal(parseDuration(text), ms);
    });
  }

  for (const text of ['', 'ms', '-1 s', '1.5 s', '10 parsecs', '10 s s', '1e3', 'ten seconds']) {
    test(`rejects '${text}'`, () => {
      assert.equal(parseDuration(text), undefined);
    });
  }

  test('formats with the largest exact unit and reads the result back', () => {
    for (const ms of [0, 1, 100, 1_000, 1_500, 60_000, 90_000, 300_000, 3_600_000, 86_400_000, 1.5]) {
      assert.equal(parseDuration(formatDuration(ms)), ms);
    }
    assert.equal(formatDuration(300_000), '5 min');
    assert.equal(formatDuration(10_000), '10 s');
    assert.equal(formatDuration(1_500), '1500 ms');
    assert.equal(formatDuration(0), '0 ms');
  });
});

describe('parseMemorySize', () => {
  const cases: readonly (readonly [string, number])[] = [
    ['1728m', 1728 * 1024 ** 2],
    ['1600 mb', 1600 * 1024 ** 2],
    ['1g', 1024 ** 3],
    ['1 GB', 1024 ** 3],
    ['32kb', 32 * 1024],
    ['32 kb', 32 * 1024],
    ['64k', 64 * 1024],
    ['2 tb', 2 * 1024 ** 4],
    ['100 bytes', 100],
    ['100b', 100],
    ['4096', 4096],
  ];
  for (const [text, bytes] of cases) {
    test(`reads '${text}' as ${bytes} bytes`, () => {
      assert.equal(parseMemorySize(text), bytes);
    });
  }

  for (const text of ['', 'mb', '-1m', '1.5g', '10 zb', '99999999999 tb']) {
    test(`rejects '${text}'`, () => {
      assert.equal(parseMemorySize(text), undefined);
    });
  }

  test('formats with the largest exact unit and reads the result back', () => {
    assert.equal(formatMemorySize(1728 * 1024 ** 2), '1728 mb');
    assert.equal(formatMemorySize(32 * 1024), '32 kb');
    assert.equal(formatMemorySize(1024 ** 3), '1 gb');
    assert.equal(formatMemorySize(1000), '1000 bytes');
    assert.equal(formatMemorySize(0), '0 bytes');
    for (const bytes of [0, 1, 1000, 1024, 1536 * 1024, 1024 ** 4]) {
      assert.equal(parseMemorySize(formatMemorySize(bytes)), bytes);
    }
  });
});

describe('parseOptionValue', () => {
  test('integers come from YAML numbers or digit strings and respect bounds', () => {
    assert.equal(valueOf(PARALLELISM_DEFAULT, 4), 4);
    assert.equal(valueOf(PARALLELISM_DEFAULT, ' 12 '), 12);
    assert.equal(valueOf(PARALLELISM_DEFAULT, 0), 'invalid: expected an integer >= 1');
    assert.equal(valueOf(PARALLELISM_DEFAULT, '1.5'), 'invalid: expected an integer >= 1');
    assert.equal(valueOf(PARALLELISM_DEFAULT, true), 'invalid: expected an integer >= 1');
    assert.equal(valueOf(REST_PORT, 70000), 'invalid: expected an integer between 0 and 65535');
    assert.equal(valueOf(BUFFERS_PER_CHANNEL, 0), 0);
  });

  test('numbers accept decimals and respect bounds', () => {
    assert.equal(valueOf(MANAGED_MEMORY_FRACTION, '0.25'), 0.25);
    assert.equal(valueOf(MANAGED_MEMORY_FRACTION, 1.5), 'invalid: expected a number between 0 and 1');
    assert.equal(valueOf(MANAGED_MEMORY_FRACTION, 'lots'), 'invalid: expected a number between 0 and 1');
  });

  test('booleans accept true/false in any case and nothing else', () => {
    assert.equal(valueOf(OBJECT_REUSE, 'TRUE'), true);
    assert.equal(valueOf(OBJECT_REUSE, false), false);
    assert.equal(valueOf(OBJECT_REUSE, 'yes'), 'invalid: expected true or false');
  });

  test('enums match case-insensitively and normalise to the declared spelling', () => {
    assert.equal(valueOf(RUNTIME_MODE, 'batch'), 'BATCH');
    assert.equal(valueOf(RUNTIME_MODE, 'Automatic'), 'AUTOMATIC');
    assert.equal(valueOf(FAILOVER_STRATEGY, 'FULL'), 'full');
    assert.equal(valueOf(RUNTIME_MODE, 'FAST'), 'invalid: expected one of STREAMING, BATCH, AUTOMATIC');
  });

  test('strings accept any scalar as text', () => {
    assert.equal(valueOf(TASK_MANAGER_RPC_PORT, 0), '0');
    assert.equal(valueOf(TASK_MANAGER_RPC_PORT, '50100-50200'), '50100-50200');
    assert.equal(valueOf(TASK_MANAGER_RPC_PORT, ['a']), 'invalid: expected a string');
  });

  test('lists accept YAML lists and ;- or ,-separated text', () => {
    assert.deepEqual(valueOf(TMP_DIRS, ['/a', '/b']), ['/a', '/b']);
    assert.deepEqual(valueOf(TMP_DIRS, '/a;/b'), ['/a', '/b']);
    assert.deepEqual(valueOf(TMP_DIRS, '/a, /b,'), ['/a', '/b']);
    assert.deepEqual(valueOf(TMP_DIRS, ''), []);
    assert.match(String(valueOf(TMP_DIRS, [{ nested: true }])), /^invalid: expected a list of strings/);
  });

  test('text forms read back to the same value', () => {
    assert.equal(formatOptionValue(TMP_DIRS, ['/a', '/b']), '/a;/b');
    assert.equal(formatOptionValue(RUNTIME_MODE, 'BATCH'), 'BATCH');
    assert.equal(formatOptionValue(OBJECT_REUSE, true), 'true');
  });
});
