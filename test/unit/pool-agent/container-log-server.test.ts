import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { containerPaths, prepareContainerDirectory, writeMetadata } from '../../../src/entrypoints/pool-agent/container-directory.js';
import { ContainerLogServer } from '../../../src/entrypoints/pool-agent/container-log-server.js';

const CID = 'container_1700000000000_0001_01_000001';
const OTHER = 'container_1700000000000_0001_01_000002';

function get(base: string, path: string, method = 'GET'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    // Raw path, so that `..` segments reach the server as a client could send them.
    const url = new URL(base);
    const req = request({ host: url.hostname, port: url.port, path, method, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the agent\'s container log endpoint', () => {
  let workDir = '';
  let server: ContainerLogServer;

  before(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'flink-ts-logserver-'));
    const paths = containerPaths(workDir, CID);
    prepareContainerDirectory(paths, { 'security.cluster-secret': 'secret' }, []);
    writeMetadata(paths, { containerId: CID, applicationId: 'application_1700000000000_0001', kind: 'taskmanager', state: 'EXITED', pid: 42, exitCode: 0, startedAt: 1, finishedAt: 2 });
    writeFileSync(paths.logFile('taskmanager'), 'line 1\nline 2\nline 3\n');
    writeFileSync(paths.outFile('taskmanager'), '');
    symlinkSync(paths.configFile, join(paths.log, 'config-link.log'));
    mkdirSync(join(workDir, 'containers', 'not-a-container'));
    server = await ContainerLogServer.start(workDir, '127.0.0.1', 0);
  });
  after(async () => {
    await server.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  test('GET /containers lists every container with its application, kind, state and exit code', async () => {
    const { status, body } = await get(server.address, '/containers');
    assert.equal(status, 200);
    assert.deepEqual(JSON.parse(body), { containers: [{ id: CID, applicationId: 'application_1700000000000_0001', kind: 'taskmanager', state: 'EXITED', pid: 42, exitCode: 0 }] });
  });

  test('GET /containers/<id>/logs lists the regular files of its log dir, not symbolic links', async () => {
    const { status, body } = await get(server.address, `/containers/${CID}/logs`);
    assert.equal(status, 200);
    assert.deepEqual(JSON.parse(body), { files: [{ name: 'taskmanager.log', size: 21 }, { name: 'taskmanager.out', size: 0 }] });
  });

  test('GET /containers/<id>/logs/<file> returns the file, ?tail=n its last lines', async () => {
    assert.deepEqual(await get(server.address, `/containers/${CID}/logs/taskmanager.log`), { status: 200, body: 'line 1\nline 2\nline 3\n' });
    assert.deepEqual(await get(server.address, `/containers/${CID}/logs/taskmanager.log?tail=2`), { status: 200, body: 'line 2\nline 3\n' });
    assert.equal((await get(server.address, `/containers/${CID}/logs/taskmanager.log?tail=-1`)).status, 400);
  });

  const notFound = [
    ['an unknown container', `/containers/${OTHER}/logs`],
    ['a directory that is not a container id', '/containers/not-a-container/logs'],
    ['a path out of the log dir', `/containers/${CID}/logs/..%2Fconf%2Fconfig.yaml`],
    ['a dot file', `/containers/${CID}/logs/.hidden`],
    ['a symbolic link to the configuration', `/containers/${CID}/logs/config-link.log`],
    ['the configuration by a raw ../ path', `/containers/${CID}/logs/../conf/config.yaml`],
    ['a file that does not exist', `/containers/${CID}/logs/jobmanager.log`],
    ['an unknown path', '/'],
  ] as const;
  for (const [what, path] of notFound) {
    test(`answers 404 for ${what}`, async () => {
      const { status, body } = await get(server.address, path);
      assert.equal(status, 404, body);
      assert.doesNotMatch(body, /secret/);
    });
  }

  test('refuses anything but GET', async () => {
    assert.equal((await get(server.address, `/containers/${CID}/logs/taskmanager.log`, 'DELETE')).status, 405);
  });
});
