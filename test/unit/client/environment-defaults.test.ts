import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Configuration } from '../../../src/config/index.js';
import { environmentDefaultsFrom } from '../../../src/client/environment-defaults.js';

test("without configuration the defaults are Flink's", () => {
  assert.deepEqual(environmentDefaultsFrom(Configuration.empty()), {
    parallelism: 1,
    maxParallelism: undefined,
    runtimeMode: 'STREAMING',
    bufferTimeout: 100,
    chainingEnabled: true,
    chainOperatorsWithDifferentMaxParallelism: true,
    autoWatermarkInterval: 200,
  });
});

test('every environment default is read from its configuration key', () => {
  const config = Configuration.fromMap({
    'parallelism.default': '4',
    'pipeline.max-parallelism': '256',
    'execution.runtime-mode': 'batch',
    'execution.buffer-timeout.interval': '5 ms',
    'pipeline.operator-chaining.enabled': 'false',
    'pipeline.operator-chaining.chain-operators-with-different-max-parallelism': 'false',
    'pipeline.auto-watermark-interval': '50 ms',
  });
  assert.deepEqual(environmentDefaultsFrom(config), {
    parallelism: 4,
    maxParallelism: 256,
    runtimeMode: 'BATCH',
    bufferTimeout: 5,
    chainingEnabled: false,
    chainOperatorsWithDifferentMaxParallelism: false,
    autoWatermarkInterval: 50,
  });
});

test('a disabled buffer timeout means flushing only full buffers (-1)', () => {
  const config = Configuration.fromMap({ 'execution.buffer-timeout.enabled': 'false', 'execution.buffer-timeout.interval': '5 ms' });
  assert.equal(environmentDefaultsFrom(config).bufferTimeout, -1);
});

test('a max parallelism of -1 leaves it to be derived from the parallelism', () => {
  const config = Configuration.fromMap({ 'pipeline.max-parallelism': '-1' });
  assert.equal(environmentDefaultsFrom(config).maxParallelism, undefined);
});
