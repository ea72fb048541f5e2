import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BUFFER_TIMEOUT_INTERVAL,
  CHECKPOINTING_INTERVAL,
  Configuration,
  ConfigurationError,
  HEARTBEAT_TIMEOUT,
  NUM_TASK_SLOTS,
  PARALLELISM_DEFAULT,
  REST_PORT,
  RUNTIME_MODE,
  TASK_HEAP_SIZE,
  TMP_DIRS,
} from '../../../src/config/index.js';

function configurationError(fn: () => unknown): ConfigurationError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConfigurationError, `expected ConfigurationError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a ConfigurationError');
}

describe('Configuration', () => {
  test('returns declared defaults for unset options', () => {
    const config = Configuration.empty();
    assert.equal(config.get(PARALLELISM_DEFAULT), 1);
    assert.equal(config.get(HEARTBEAT_TIMEOUT), 50_000);
    assert.equal(config.get(RUNTIME_MODE), 'STREAMING');
    assert.equal(config.get(TASK_HEAP_SIZE), undefined);
    assert.deepEqual(config.keys(), []);
    assert.equal(config.has('parallelism.default'), false);
  });

  test('types get() as T for options with a default and T | undefined without', () => {
    const config = Configuration.empty();
    const slots: number = config.get(NUM_TASK_SLOTS);
    const mode: 'STREAMING' | 'BATCH' | 'AUTOMATIC' = config.get(RUNTIME_MODE);
    const heap: number | undefined = config.get(TASK_HEAP_SIZE);
    // @ts-expect-error an option without default may be unset
    const interval: number = config.get(CHECKPOINTING_INTERVAL);
    assert.deepEqual([slots, mode, heap, interval], [1, 'STREAMING', undefined, undefined]);
  });

  test('stores parsed values: durations in ms, enums normalised, lists as arrays', () => {
    const config = Configuration.fromMap({
      'execution.runtime-mode': 'batch',
      'heartbeat.timeout': '2 min',
      'io.tmp.dirs': '/a;/b',
      'taskmanager.numberOfTaskSlots': '4',
    });
    assert.equal(config.get(RUNTIME_MODE), 'BATCH');
    assert.equal(config.get(HEARTBEAT_TIMEOUT), 120_000);
    assert.deepEqual(config.get(TMP_DIRS), ['/a', '/b']);
    assert.equal(config.get(NUM_TASK_SLOTS), 4);
    assert.ok(Object.isFrozen(config.get(TMP_DIRS)));
  });

  test('accepts deprecated keys and stores them under the current key', () => {
    const config = Configuration.fromMap({ 'execution.buffer-timeout': 5 });
    assert.equal(config.get(BUFFER_TIMEOUT_INTERVAL), 5);
    assert.deepEqual(config.keys(), ['execution.buffer-timeout.interval']);
    assert.equal(config.getRaw('execution.buffer-timeout'), 5);
    assert.equal(config.has('execution.buffer-timeout.interval'), true);
  });

  test('keeps pass-through keys as strings', () => {
    const config = Configuration.fromMap({
      '$internal.deployment.config-dir': '/opt/conf',
      'pipeline.global-job-parameters.input': 'in.txt',
      'pipeline.global-job-parameters.limit': 10,
    });
    assert.equal(config.getRaw('$internal.deployment.config-dir'), '/opt/conf');
    assert.deepEqual(config.getPrefixed('pipeline.global-job-parameters.'), { input: 'in.txt', limit: '10' });
  });

  test('toMap gives sorted text forms that fromMap reads back', () => {
    const config = Configuration.fromMap({
      'taskmanager.memory.process.size': '2g',
      'heartbeat.interval': 5000,
      'execution.runtime-mode': 'automatic',
      'io.tmp.dirs': ['/x', '/y'],
      '$internal.flag': true,
    });
    const map = config.toMap();
    assert.deepEqual(map, {
      '$internal.flag': 'true',
      'execution.runtime-mode': 'AUTOMATIC',
      'heartbeat.interval': '5 s',
      'io.tmp.dirs': '/x;/y',
      'taskmanager.memory.process.size': '2 gb',
    });
    assert.deepEqual(Configuration.fromMap(map).toMap(), map);
  });

  test('toMap can include defaults', () => {
    const map = Configuration.fromMap({ 'rest.port': 9000 }).toMap({ includeDefaults: true });
    assert.equal(map['rest.port'], '9000');
    assert.equal(map['parallelism.default'], '1');
    assert.equal(map['taskmanager.memory.segment-size'], '32 kb');
    assert.equal('rest.address' in map, false);
  });

  test('withOverrides returns a new validated configuration and leaves the original untouched', () => {
    const base = Configuration.fromMap({ 'rest.port': 9000, 'parallelism.default': 2 });
    const derived = base.withOverrides({ 'rest.port': '9100', 'parallelism.default': null });
    assert.equal(derived.get(REST_PORT), 9100);
    assert.equal(derived.get(PARALLELISM_DEFAULT), 1);
    assert.equal(base.get(REST_PORT), 9000);
    assert.equal(base.get(PARALLELISM_DEFAULT), 2);
  });

  test('with() sets one option with a typed value and still checks bounds', () => {
    const config = Configuration.empty().with(NUM_TASK_SLOTS, 8).with(RUNTIME_MODE, 'BATCH');
    assert.equal(config.get(NUM_TASK_SLOTS), 8);
    assert.equal(config.get(RUNTIME_MODE), 'BATCH');
    const error = configurationError(() => config.with(NUM_TASK_SLOTS, 0));
    assert.equal(
      error.message,
      "Configuration.with taskmanager.numberOfTaskSlots=0: invalid value '0' for 'taskmanager.numberOfTaskSlots': expected an integer >= 1.",
    );
  });

  test('reports every invalid override in one error', () => {
    const error = configurationError(() =>
      Configuration.empty().withOverrides({ 'rest.port': 'http', 'rest.prot': 1, 'execution.runtime-mode': 'FAST' }, 'test'),
    );
    assert.equal(error.code, 'ERR_CONFIG_INVALID_VALUE');
    assert.equal(error.key, 'rest.port');
    assert.equal(error.expected, 'an integer between 0 and 65535');
    assert.deepEqual(
      error.problems.map((problem) => problem.code),
      ['ERR_CONFIG_INVALID_VALUE', 'ERR_CONFIG_UNKNOWN_KEY', 'ERR_CONFIG_INVALID_VALUE'],
    );
    assert.equal(
      error.message,
      [
        '3 configuration problems:',
        "  test rest.port=http: invalid value 'http' for 'rest.port': expected an integer between 0 and 65535.",
        "  test rest.prot=1: unknown configuration key 'rest.prot'. Did you mean 'rest.port'? Remove the key or fix its name (see docs/configuration.md).",
        "  test execution.runtime-mode=FAST: invalid value 'FAST' for 'execution.runtime-mode': expected one of STREAMING, BATCH, AUTOMATIC.",
      ].join('\n'),
    );
  });

  test('is immutable', () => {
    const config = Configuration.empty();
    assert.ok(Object.isFrozen(config));
    assert.throws(() => {
      (config as unknown as Record<string, unknown>).extra = 1;
    }, TypeError);
  });

  test('has the error name and code on ConfigurationError', () => {
    const error = configurationError(() => Configuration.fromMap({ 'rest.port': -1 }));
    assert.equal(error.name, 'ConfigurationError');
    assert.ok(error instanceof Error);
    assert.equal(error.code, 'ERR_CONFIG_INVALID_VALUE');
    assert.equal('file' in error, false);
  });
});
