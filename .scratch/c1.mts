// Scratch: full start-cluster / stop-cluster against two sshd hosts.
import { mkdirSync, writeFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { startSshdHosts } from '/work/main/test/support/sshd.js';
const sshd = await startSshdHosts({ count: 2 });
const dir = mkdtempSync(join(tmpdir(), 'c1-'));
const conf = join(dir, 'conf'); mkdirSync(conf); mkdirSync(join(dir, 'home'));
writeFileSync(join(conf, 'config.yaml'), [
  `launcher.ssh.identity-file: ${sshd.identityFile}`,
  `launcher.ssh.known-hosts: ${sshd.knownHosts}`,
  `launcher.ssh.port: ${sshd.port}`,
  `jobmanager.rpc.port: 36123`,
  `heartbeat.interval: 1 s`, `heartbeat.timeout: 5 s`, ''].join('\n'));
writeFileSync(join(conf, 'masters'), '127.0.0.2:38081\n');
writeFileSync(join(conf, 'workers'), '127.0.0.2\n127.0.0.3\n127.0.0.3\n');
const env = { ...process.env, FLINK_TS_CONF_DIR: conf, HOME: join(dir, 'home') };
const cli = (...args: string[]) => { const t = Date.now(); const r = spawnSync('node', ['bin/flink-ts', ...args], { env, encoding: 'utf8' }); console.log(`$ ${args.join(' ')} -> ${r.status} in ${Date.now() - t} ms\n${r.stdout}${r.stderr}`); return r; };
try {
  cli('start-cluster');
  cli('taskmanager', 'start', '--host', '127.0.0.3');
  spawnSync('sh', ['-c', `find ${sshd.dir} -path '*flink-ts*' | head -50; cat ${sshd.hosts[1]!.home}/.flink-ts/clusters/default/127.0.0.3/conf/config.yaml`], { stdio: 'inherit' });
  cli('stop-cluster');
  spawnSync('sh', ['-c', `find ${sshd.dir} -path '*flink-ts*'; ps aux | grep -c '[t]askexecutor'`], { stdio: 'inherit' });
} finally {
  await sshd.stop();
}
