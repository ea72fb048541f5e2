import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ALL_OPTIONS,
  Configuration,
  findOption,
  formatOptionValue,
  lookupKey,
  parseOptionValue,
  suggestKey,
} from '../../../src/config/index.js';
import type { ConfigValue } from '../../../src/config/index.js';
import { editDistance } from '../../../src/config/edit-distance.js';

const MIN = 60_000;

describe('option registry', () => {
  test('declares the keys and defaults Flink uses', () => {
    const expected: Readonly<Record<string, unknown>> = {
      'parallelism.default': 1,
      'pipeline.max-parallelism': -1,
      'pipeline.operator-chaining.enabled': true,
      'pipeline.operator-chaining.chain-operators-with-different-max-parallelism': true,
      'pipeline.auto-watermark-interval': 200,
      'pipeline.name': undefined,
      'execution.runtime-mode': 'STREAMING',
      'execution.buffer-timeout.enabled': true,
      'execution.buffer-timeout.interval': 100,
      'execution.target': 'local',
      'execution.attached': false,
      'execution.shutdown-on-attached-exit': false,
      'execution.shutdown-on-application-finish': true,
      'taskmanager.numberOfTaskSlots': 1,
      'taskmanager.memory.process.size': 1728 * 1024 ** 2,
      'taskmanager.memory.task.heap.size': undefined,
      'taskmanager.memory.segment-size': 32 * 1024,
      'taskmanager.network.memory.buffers-per-channel': 2,
      'taskmanager.network.memory.floating-buffers-per-gate': 8,
      'taskmanager.network.memory.max-buffers-per-channel': 10,
      'taskmanager.network.request-backoff.initial': 100,
      'taskmanager.network.request-backoff.max': 10_000,
      'taskmanager.host': undefined,
      'taskmanager.bind-host': undefined,
      'taskmanager.data.port': 0,
      'taskmanager.rpc.port': '0',
      'taskmanager.registration.timeout': 5 * MIN,
      'jobmanager.rpc.address': undefined,
      'jobmanager.rpc.port': 6123,
      'jobmanager.bind-host': undefined,
      'jobmanager.memory.process.size': 1600 * 1024 ** 2,
      'jobmanager.execution.failover-strategy': 'region',
      'rest.address': undefined,
      'rest.port': 8081,
      'rest.bind-address': undefined,
      'rest.bind-port': undefined,
      'rest.server.max-content-length': 104_857_600,
      'rest.async.store-duration': 5 * MIN,
      'client.timeout': MIN,
      'heartbeat.interval': 10_000,
      'heartbeat.timeout': 50_000,
      'heartbeat.rpc-failure-threshold': 2,
      'slot.request.timeout': 5 * MIN,
      'slot.idle.timeout': 50_000,
      'resourcemanager.taskmanager-timeout': 30_000,
      'cluster.registration.initial-timeout': 100,
      'cluster.registration.max-timeout': 30_000,
      'blob.server.port': '0',
      'security.cluster-secret': undefined,
      'env.pid.dir': '/tmp',
      'env.log.dir': undefined,
      'env.log.max': 10,
      'io.tmp.dirs': undefined,
      'execution.checkpointing.interval': undefined,
      'execution.checkpointing.mode': 'EXACTLY_ONCE',
      'execution.checkpointing.timeout': 10 * MIN,
      'execution.checkpointing.min-pause': 0,
      'execution.checkpointing.max-concurrent-checkpoints': 1,
      'execution.checkpointing.tolerable-failed-checkpoints': 0,
      'execution.checkpointing.num-retained': 1,
      'execution.checkpointing.dir': undefined,
      'execution.checkpointing.savepoint-dir': undefined,
      'execution.checkpointing.externalized-checkpoint-retention': 'NO_EXTERNALIZED_CHECKPOINTS',
      'state.backend.type': 'hashmap',
      'restart-strategy.type': undefined,
      'restart-strategy.fixed-delay.attempts': 1,
      'restart-strategy.fixed-delay.delay': 1_000,
      'restart-strategy.failure-rate.max-failures-per-interval': 1,
      'restart-strategy.failure-rate.failure-rate-interval': MIN,
      'restart-strategy.failure-rate.delay': 1_000,
      'restart-strategy.exponential-delay.initial-backoff': 1_000,
      'restart-strategy.exponential-delay.max-backoff': MIN,
      'restart-strategy.exponential-delay.backoff-multiplier': 1.5,
      'restart-strategy.exponential-delay.reset-backoff-threshold': 60 * MIN,
      'restart-strategy.exponential-delay.jitter-factor': 0.1,
      'high-availability.type': 'NONE',
    };
    for (const [key, value] of Object.entries(expected)) {
      const option = findOption(key);
      assert.ok(option, `missing option ${key}`);
      assert.equal(option.key, key);
      assert.deepEqual(option.defaultValue, value, key);
    }
  });

  test('every option has a one-sentence description and a unique key', () => {
    const keys = new Set<string>();
    for (const option of ALL_OPTIONS) {
      assert.ok(!keys.has(option.key), `duplicate ${option.key}`);
      keys.add(option.key);
      assert.match(option.description, /^[A-Z].*\.$/, option.key);
    }
  });

  test('every default satisfies its own option and survives a text round trip', () => {
    for (const option of ALL_OPTIONS) {
      const value = option.defaultValue as ConfigValue | undefined;
      if (value === undefined) continue;
      assert.deepEqual(parseOptionValue(option, value), { ok: true, value }, option.key);
      const text = formatOptionValue(option, value);
      assert.deepEqual(parseOptionValue(option, text), { ok: true, value }, `${option.key} via '${text}'`);
    }
  });

  test('the full text form of the defaults loads back unchanged', () => {
    const all = Configuration.empty().toMap({ includeDefaults: true });
    const reloaded = Configuration.fromMap(all);
    for (const option of ALL_OPTIONS) assert.deepEqual(reloaded.get(option), option.defaultValue, option.key);
  });

  test('deprecated keys resolve to their current option', () => {
    const match = lookupKey('execution.buffer-timeout');
    assert.ok(match?.kind === 'option');
    assert.equal(match.option.key, 'execution.buffer-timeout.interval');
    assert.equal(match.deprecated, true);
    assert.equal(findOption('state.checkpoints.dir')?.key, 'execution.checkpointing.dir');
  });

  test('free-form prefixes are pass-through, the bare prefix is not', () => {
    assert.deepEqual(lookupKey('$internal.deployment.config-dir'), { kind: 'passthrough' });
    assert.deepEqual(lookupKey('pipeline.global-job-parameters.input'), { kind: 'passthrough' });
    assert.equal(lookupKey('pipeline.global-job-parameters.'), undefined);
    assert.equal(lookupKey('no.such.key'), undefined);
  });
});

describe('suggestKey', () => {
  const cases: readonly (readonly [string, string | undefined])[] = [
    ['taskmanager.numberOfTaskSlot', 'taskmanager.numberOfTaskSlots'],
    ['taskmanager.numberoftaskslots', 'taskmanager.numberOfTaskSlots'],
    ['taskmanager.numberOfTaksSlots', 'taskmanager.numberOfTaskSlots'],
    ['jobmanager.numberOfTaskSlots', 'taskmanager.numberOfTaskSlots'],
    ['paralelism.default', 'parallelism.default'],
    ['rest.prot', 'rest.port'],
    ['execution.runtime_mode', 'execution.runtime-mode'],
    ['heartbeat.timout', 'heartbeat.timeout'],
    ['completely.unrelated.thing', undefined],
  ];
  for (const [typo, suggestion] of cases) {
    test(`suggests ${String(suggestion)} for '${typo}'`, () => {
      assert.equal(suggestKey(typo), suggestion);
    });
  }

  test('suggests the current name when the closest match is a deprecated key', () => {
    assert.equal(suggestKey('execution.buffer-timeot'), 'execution.buffer-timeout.interval');
  });
});

describe('editDistance', () => {
  test('counts insertions, deletions, substitutions and adjacent transpositions as one edit each', () => {
    assert.equal(editDistance('', ''), 0);
    assert.equal(editDistance('abc', ''), 3);
    assert.equal(editDistance('', 'abc'), 3);
    assert.equal(editDistance('slots', 'slot'), 1);
    assert.equal(editDistance('slot', 'slat'), 1);
    assert.equal(editDistance('task', 'taks'), 1);
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('ca', 'abc'), 3);
  });
});
