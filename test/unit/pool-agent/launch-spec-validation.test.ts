import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LaunchSpecRejectedError, validateLaunchSpec } from '../../../src/entrypoints/pool-agent/launch-spec-validation.js';

const CID = 'container_1700000000000_0001_01_000002';
const DIR = `/work/agent/containers/${CID}`;
const SHA = 'a'.repeat(64);

function spec(overrides: Record<string, unknown> = {}, configuration: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    containerId: CID,
    applicationId: 'application_1700000000000_0001',
    kind: 'taskmanager',
    slots: 2,
    memoryBytes: 1024 ** 3,
    configuration: { 'taskmanager.numberOfTaskSlots': '2', 'jobmanager.rpc.address': '10.0.0.1', ...configuration },
    artifactSha256: undefined,
    ...overrides,
  };
}

function rejection(input: unknown): LaunchSpecRejectedError {
  try {
    validateLaunchSpec(input, CID, DIR);
  } catch (error) {
    assert.ok(error instanceof LaunchSpecRejectedError, `expected a LaunchSpecRejectedError, got ${String(error)}`);
    assert.equal(error.containerId, CID);
    assert.ok(error.message.startsWith(`Rejected the launch spec of ${CID}: `), error.message);
    return error;
  }
  assert.fail('the spec was accepted');
}

describe('validateLaunchSpec', () => {
  test('accepts a well-formed TaskManager spec and returns its values unchanged', () => {
    const accepted = validateLaunchSpec(spec(), CID, DIR);
    assert.deepEqual(accepted, {
      containerId: CID,
      applicationId: 'application_1700000000000_0001',
      kind: 'taskmanager',
      slots: 2,
      memoryBytes: 1024 ** 3,
      configuration: { 'taskmanager.numberOfTaskSlots': '2', 'jobmanager.rpc.address': '10.0.0.1' },
      artifactSha256: undefined,
    });
  });

  test('accepts a JobManager spec with an artifact, program arguments, the pool driver and paths inside the container', () => {
    const accepted = validateLaunchSpec(
      spec(
        { kind: 'jobmanager', artifactSha256: SHA },
        { '$internal.application.args': '["--input","x"]', '$internal.resourcemanager.driver': 'pool', 'env.log.dir': 'log', 'io.tmp.dirs': 'tmp;tmp/b', 'pipeline.global-job-parameters.x': 'y' },
      ),
      CID,
      DIR,
    );
    assert.equal(accepted.kind, 'jobmanager');
    assert.equal(accepted.artifactSha256, SHA);
    assert.equal(accepted.configuration['$internal.application.args'], '["--input","x"]');
  });

  const cases: readonly { name: string; input: unknown; message: string; key?: string }[] = [
    { name: 'a spec that is not an object', input: 'launch', message: 'it is not an object.' },
    { name: 'an array', input: [], message: 'it is not an object.' },
    { name: 'a container id with a path in it', input: spec({ containerId: '../../etc' }), message: 'containerId "../../etc" is not a container id' },
    { name: 'the spec of another container', input: spec({ containerId: 'container_1700000000000_0001_01_000003' }), message: 'it is the spec of "container_1700000000000_0001_01_000003", not of' },
    { name: 'an application id with a slash', input: spec({ applicationId: 'application_1/../x' }), message: 'applicationId "application_1/../x" is not an application id' },
    { name: 'a missing application id', input: spec({ applicationId: undefined }), message: 'applicationId undefined is not an application id' },
    { name: 'another kind of process', input: spec({ kind: 'shell' }), message: 'kind "shell" is not one of jobmanager, taskmanager' },
    { name: 'negative slots', input: spec({ slots: -1 }), message: 'slots -1 is not an integer from 0 to 4096.' },
    { name: 'fractional slots', input: spec({ slots: 1.5 }), message: 'slots 1.5 is not an integer' },
    { name: 'slots as text', input: spec({ slots: '2' }), message: 'slots "2" is not an integer' },
    { name: 'absurd memory', input: spec({ memoryBytes: 2 ** 60 }), message: 'memoryBytes 1152921504606847000 is not an integer from 0 to' },
    { name: 'an artifact hash that is not hex', input: spec({ artifactSha256: 'rm -rf /' }), message: 'artifactSha256 "rm -rf /" is not a sha256 hash' },
    { name: 'a configuration that is not an object', input: spec({ configuration: 'a=b' }), message: 'its configuration is not an object of key/value strings.' },
    { name: 'a value that is not a string', input: spec({}, { 'parallelism.default': 4 }), message: "the value of 'parallelism.default' is not a string.", key: 'parallelism.default' },
    { name: 'a newline in a value', input: spec({}, { 'pipeline.name': 'x\nenv.pid.dir: /etc' }), message: "the value of 'pipeline.name' holds control characters", key: 'pipeline.name' },
    { name: 'a NUL in a value', input: spec({}, { 'pipeline.name': 'x\u0000' }), message: "the value of 'pipeline.name' holds control characters", key: 'pipeline.name' },
    { name: 'a control character in a key', input: spec({}, { 'a\u001bb': 'x' }), message: 'the configuration key "a\\u001bb" is empty, too long or holds control characters.', key: 'a\u001bb' },
    { name: 'an empty key', input: spec({}, { '': 'x' }), message: 'the configuration key "" is empty', key: '' },
    { name: 'a launcher setting', input: spec({}, { 'launcher.ssh.identity-file': '/tmp/k' }), message: "'launcher.ssh.identity-file' is a launcher setting (SSH, installation): containers never get launcher.* keys.", key: 'launcher.ssh.identity-file' },
    { name: 'another ResourceManager driver', input: spec({}, { '$internal.resourcemanager.driver': 'ssh' }), message: "'$internal.resourcemanager.driver' is 'ssh'; a pool container's ResourceManager driver is always 'pool'", key: '$internal.resourcemanager.driver' },
    { name: 'a ResourceManager internal key', input: spec({}, { '$internal.resourcemanager.ssh.workers': 'h1' }), message: "'$internal.resourcemanager.ssh.workers' is a ResourceManager setting only flink-ts itself may give", key: '$internal.resourcemanager.ssh.workers' },
    { name: 'an internal key outside the allowlist', input: spec({}, { '$internal.deployment.config-dir': '/etc' }), message: "'$internal.deployment.config-dir' is an internal key a container spec may not set (allowed: $internal.application.args).", key: '$internal.deployment.config-dir' },
    { name: 'a pid dir outside the container', input: spec({}, { 'env.pid.dir': '/tmp' }), message: `'env.pid.dir' points to "/tmp", outside the container's directory`, key: 'env.pid.dir' },
    { name: 'a log dir escaping with ..', input: spec({}, { 'env.log.dir': '../other/log' }), message: `'env.log.dir' points to "../other/log", outside the container's directory`, key: 'env.log.dir' },
    { name: 'one tmp dir of a list outside the container', input: spec({}, { 'io.tmp.dirs': 'tmp;/var/tmp' }), message: `'io.tmp.dirs' points to "/var/tmp", outside the container's directory`, key: 'io.tmp.dirs' },
    { name: 'an artifact path outside the container', input: spec({}, { '$internal.application.artifact': '/home/u/evil.mjs' }), message: `'$internal.application.artifact' points to "/home/u/evil.mjs", outside`, key: '$internal.application.artifact' },
    { name: 'an unknown key, with the loader\'s suggestion', input: spec({}, { 'taskmanager.numberOfTaskSlot': '2' }), message: "its configuration: unknown configuration key 'taskmanager.numberOfTaskSlot'. Did you mean 'taskmanager.numberOfTaskSlots'?", key: 'taskmanager.numberOfTaskSlot' },
    { name: 'a value the option does not accept', input: spec({}, { 'taskmanager.numberOfTaskSlots': 'many' }), message: "its configuration: invalid value 'many' for 'taskmanager.numberOfTaskSlots'", key: 'taskmanager.numberOfTaskSlots' },
  ];

  for (const { name, input, message, key } of cases) {
    test(`rejects ${name}`, () => {
      const error = rejection(input);
      assert.ok(error.message.includes(message), `message:\n${error.message}\nexpected to contain:\n${message}`);
      assert.equal(error.key, key);
    });
  }

  test('rejects more than 2000 keys', () => {
    const many = Object.fromEntries(Array.from({ length: 2001 }, (_, i) => [`pipeline.global-job-parameters.k${i}`, 'v']));
    assert.match(rejection(spec({}, many)).message, /its configuration has 2003 keys; at most 2000 are accepted\.$/);
  });

  test('rejects a value longer than 64 KiB', () => {
    assert.match(rejection(spec({}, { 'pipeline.name': 'x'.repeat(64 * 1024 + 1) })).message, /the value of 'pipeline\.name' is longer than 65536 characters\.$/);
  });
});
