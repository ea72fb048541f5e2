import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { HostsFileError, groupWorkers, parseMasters, parseWorkers, readMasters, readWorkers } from '../../../src/launcher/hosts-file.js';
import { formatHostSpec, isLocalHost } from '../../../src/launcher/host-spec.js';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function confDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'flink-ts-hosts-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function hostsFileError(run: () => unknown): HostsFileError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof HostsFileError, `expected a HostsFileError, got ${String(error)}`);
    assert.equal(error.code, 'ERR_HOSTS_FILE');
    return error;
  }
  assert.fail('expected a HostsFileError');
}

describe('conf/workers', () => {
  test('reads one host per line, skipping comments, blank lines and carriage returns', () => {
    const text = '# the workers\n\nworker1\r\n  worker2   # second rack\n#worker3\n\t\n';
    assert.deepEqual(
      parseWorkers(text, 'conf/workers').map((w) => [formatHostSpec(w.spec), w.line]),
      [
        ['worker1', 3],
        ['worker2', 4],
      ],
    );
  });

  test('strips a network topology prefix as config.sh does', () => {
    assert.deepEqual(parseWorkers('/dc1/rack7/worker9\n', 'w')[0]?.spec, { host: 'worker9', user: undefined, port: undefined });
  });

  test('takes a user and an SSH port', () => {
    const [a, b, c] = parseWorkers('flink@worker1\nworker2:2222\nops.user@10.0.0.7:22\n', 'w');
    assert.deepEqual(a?.spec, { host: 'worker1', user: 'flink', port: undefined });
    assert.deepEqual(b?.spec, { host: 'worker2', user: undefined, port: 2222 });
    assert.deepEqual(c?.spec, { host: '10.0.0.7', user: 'ops.user', port: 22 });
  });

  test('takes IPv6 addresses in brackets', () => {
    const [a, b] = parseWorkers('[::1]:2200\n[fe80::1%eth0]\n', 'w');
    assert.deepEqual(a?.spec, { host: '::1', user: undefined, port: 2200 });
    assert.equal(b?.spec.host, 'fe80::1%eth0');
    assert.equal(formatHostSpec({ host: '::1', port: 2200 }), '[::1]:2200');
  });

  test('a host listed N times runs N TaskManagers, in order of first appearance', () => {
    const groups = groupWorkers(parseWorkers('b\na\nb\nroot@b\nb\n', 'w'));
    assert.deepEqual(
      groups.map((g) => [formatHostSpec(g.spec), g.taskManagers]),
      [
        ['b', 3],
        ['a', 1],
        ['root@b', 1],
      ],
    );
  });

  test('names the file and line of an entry that is not a host', () => {
    assert.match(hostsFileError(() => parseWorkers('ok\nworker1 worker2\n', 'conf/workers')).message, /^conf\/workers:2: one host per line, found 'worker1 worker2'\.$/);
    assert.match(hostsFileError(() => parseWorkers('w:abc\n', 'conf/workers')).message, /^conf\/workers:1: invalid SSH port 'abc' in 'w:abc'\. Expected \[user@\]host\[:sshport\]/);
    assert.match(hostsFileError(() => parseWorkers('w:70000\n', 'conf/workers')).message, /invalid SSH port '70000'/);
    assert.match(hostsFileError(() => parseWorkers('\n\nhost;rm -rf /\n', 'conf/workers')).message, /^conf\/workers:3: 'host;rm' is not a host|^conf\/workers:3: one host per line/);
    assert.match(hostsFileError(() => parseWorkers("bad'user@w\n", 'conf/workers')).message, /^conf\/workers:1: invalid user 'bad'user'/);
    assert.match(hostsFileError(() => parseWorkers('/rack/\n', 'conf/workers')).message, /^conf\/workers:1: no host after the topology prefix/);
    assert.equal(hostsFileError(() => parseWorkers('::1\n', 'conf/workers')).line, 1);
  });

  test("a missing file gives Flink's message", () => {
    const dir = confDir({});
    assert.equal(hostsFileError(() => readWorkers(dir)).message, `No workers file. Please specify workers in '${join(dir, 'workers')}'.`);
  });

  test('an empty file is no cluster error: the cluster simply has no TaskManager', () => {
    assert.deepEqual(readWorkers(confDir({ workers: '# none yet\n' })), []);
  });
});

describe('conf/masters', () => {
  test('reads host[:webuiport]; port 0 means none, as in config.sh', () => {
    const masters = parseMasters('# JobManagers\njm1:8081\njm2\njm3:0\n', 'conf/masters');
    assert.deepEqual(masters, [
      { host: 'jm1', webUiPort: 8081, line: 2 },
      { host: 'jm2', line: 3 },
      { host: 'jm3', line: 4 },
    ]);
  });

  test('names the file and line of a bad port', () => {
    assert.match(hostsFileError(() => parseMasters('jm1:http\n', 'conf/masters')).message, /^conf\/masters:1: invalid web UI port 'http' in 'jm1:http'\. Expected host\[:webuiport\]/);
  });

  test("a missing file gives Flink's message, an empty one says it lists no host", () => {
    const dir = confDir({});
    assert.equal(hostsFileError(() => readMasters(dir)).message, `No masters file. Please specify masters in '${join(dir, 'masters')}'.`);
    assert.match(hostsFileError(() => readMasters(confDir({ masters: '\n# nobody\n' }))).message, /masters lists no host/);
  });
});

describe('local hosts', () => {
  test('only plain localhost and 127.0.0.1 run as local processes', () => {
    assert.equal(isLocalHost({ host: 'localhost' }), true);
    assert.equal(isLocalHost({ host: '127.0.0.1' }), true);
    assert.equal(isLocalHost({ host: '127.0.0.2' }), false);
    assert.equal(isLocalHost({ host: 'localhost', port: 2222 }), false);
    assert.equal(isLocalHost({ host: 'localhost', user: 'flink' }), false);
  });
});
