import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Configuration } from '../../../src/config/index.js';
import { Logger, MemoryLogSink } from '../../../src/core/logger.js';
import { JarStore } from '../../../src/runtime/rest/jar-store.js';
import { restServerOptionsFrom } from '../../../src/runtime/rest/rest-server-options.js';
import { FakeClusterFacade } from './fake-cluster-facade.js';

test('uploaded names keep only their base name and safe characters, and must be job files', () => {
  assert.equal(JarStore.storedName('a.ts'), 'a.ts');
  assert.equal(JarStore.storedName('C:\\fakepath\\word count.MJS'), 'word_count.MJS');
  assert.equal(JarStore.storedName('../../etc/job.js'), 'job.js');
  assert.equal(JarStore.storedName('.ts'), undefined);
  assert.equal(JarStore.storedName('job.jar'), undefined);
  assert.equal(JarStore.storedName('job.ts.exe'), undefined);
});

test('jar ids must have the stored form, so they cannot leave the upload directory', () => {
  assert.ok(JarStore.isValidId('0b6a9c1e-1b2c-4d5e-8f90-123456789abc_job.ts'));
  assert.ok(!JarStore.isValidId('../0b6a9c1e-1b2c-4d5e-8f90-123456789abc_job.ts'));
  assert.ok(!JarStore.isValidId('0b6a9c1e-1b2c-4d5e-8f90-123456789abc_a/b.ts'));
  assert.ok(!JarStore.isValidId('job.ts'));
});

test('the server binds rest.bind-address and rest.bind-port, else rest.port', () => {
  const logger = new Logger('test', new MemoryLogSink(), 'INFO');
  const facade = new FakeClusterFacade();
  const defaults = restServerOptionsFrom(Configuration.empty(), facade, logger);
  assert.equal(defaults.port, 8081);
  assert.equal(defaults.bindAddress, undefined);
  assert.equal(defaults.maxContentLength, 104857600);
  assert.equal(defaults.webSubmitEnabled, true);
  assert.match(defaults.uploadDir, /flink-web-upload$/);
  const configured = restServerOptionsFrom(
    Configuration.fromMap({
      'rest.bind-address': 'localhost',
      'rest.port': 9000,
      'rest.bind-port': '50100-50200',
      'rest.address': 'jm.example.com',
      'web.submit.enable': false,
      'web.upload.dir': '/srv/uploads',
    }),
    facade,
    logger,
  );
  assert.equal(configured.bindAddress, 'localhost');
  assert.equal(configured.port, '50100-50200');
  assert.equal(configured.advertisedHost, 'jm.example.com');
  assert.equal(configured.webSubmitEnabled, false);
  assert.equal(configured.uploadDir, '/srv/uploads');
});
