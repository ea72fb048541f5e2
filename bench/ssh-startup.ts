/**
 * `npm run bench -- ssh-startup`: a standalone cluster of 1 JobManager and 4 TaskManagers on two
 * loopback sshd hosts (127.0.0.2 with the JobManager and 2 TaskManagers, 127.0.0.3 with 2),
 * started with the built CLI's `start-cluster` until every slot is registered, then stopped with
 * `stop-cluster`, as a user runs them (the CLI's own start-up included). Targets: start < 3 s,
 * stop < 2 s.
 *
 * Baseline: what SSH itself costs for the same two hosts: running `true` on both at once over
 * fresh ssh2 connections (connect, authenticate, exec, close), with `setNoDelay` as the launcher
 * does. ratio = baseline / start time: the share of the start that is SSH's unavoidable cost.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { startSshdHosts } from '../test/support/sshd.js';
import type { SshdHosts } from '../test/support/sshd.js';
import { freePort, median, range, timedCli } from './timed-cli.js';

const ROUNDS = 5;
const START_TARGET_MS = 3_000;
const STOP_TARGET_MS = 2_000;




/** connect + auth + exec `true` + close on one host, with a fresh connection. */
function sshTrue(sshd: SshdHosts, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    const sock = connect({ host: address, port: sshd.port });
    sock.setNoDelay(true);
    client.once('ready', () => {
      client.exec('true', (error, stream) => {
        if (error !== undefined) {
          reject(error);
          return;
        }
        stream.on('data', () => undefined);
        stream.stderr.on('data', () => undefined);
        stream.on('close', () => client.end());
      });
    });
    client.once('close', () => resolve());
    client.once('error', reject);
    // The baseline skips known_hosts parsing: it measures SSH, not the launcher.
    client.connect({ sock, username: sshd.user, privateKey: readKey(sshd.identityFile), hostVerifier: () => true });
  });
}

let key: Buffer | undefined;
function readKey(file: string): Buffer {
  key ??= readFileSync(file);
  return key;
}



export async function sshStartup(): Promise<Record<string, unknown>> {
  const sshd = await startSshdHosts({ count: 2 });
  const dir = mkdtempSync(join(tmpdir(), 'flink-ts-bench-ssh-'));
  try {
    const confDir = join(dir, 'conf');
    const home = join(dir, 'home');
    mkdirSync(confDir);
    mkdirSync(home);
    const restPort = await freePort('127.0.0.2');
    writeFileSync(
      join(confDir, 'config.yaml'),
      [
        `launcher.ssh.identity-file: ${sshd.identityFile}`,
        `launcher.ssh.known-hosts: ${sshd.knownHosts}`,
        `launcher.ssh.port: ${sshd.port}`,
        `jobmanager.rpc.port: ${await freePort('127.0.0.2')}`,
        'taskmanager.numberOfTaskSlots: 1',
        '',
      ].join('\n'),
    );
    writeFileSync(join(confDir, 'masters'), `127.0.0.2:${restPort}\n`);
    writeFileSync(join(confDir, 'workers'), '127.0.0.2\n127.0.0.2\n127.0.0.3\n127.0.0.3\n');
    const env: NodeJS.ProcessEnv = { ...process.env, FLINK_TS_CONF_DIR: confDir, HOME: home };
    for (const name of ['FLINK_TS_PROPERTIES', 'SSH_AUTH_SOCK', 'NODE_OPTIONS']) delete env[name];

    const baseline: number[] = [];
    for (let i = 0; i < ROUNDS + 1; i++) {
      const started = performance.now();
      await Promise.all(sshd.hosts.map((h) => sshTrue(sshd, h.address)));
      if (i > 0) baseline.push(performance.now() - started);
    }
    const cliStartup: number[] = [];
    for (let i = 0; i < 3; i++) cliStartup.push((await timedCli(['--version'], env, dir)).ms);

    const starts: number[] = [];
    const stops: number[] = [];
    // The first round warms the page cache and the sshd processes; it is not counted.
    for (let round = 0; round <= ROUNDS; round++) {
      const start = await timedCli(['start-cluster'], env, dir);
      if (start.code !== 0 || !/Cluster is running: 4 TaskManager\(s\) with 4 slot\(s\) registered/.test(start.stdout)) {
        await timedCli(['stop-cluster'], env, dir);
        throw new Error(`start-cluster failed:\n${start.stdout}\n${start.stderr}`);
      }
      const stop = await timedCli(['stop-cluster'], env, dir);
      if (stop.code !== 0) throw new Error(`stop-cluster failed:\n${stop.stdout}\n${stop.stderr}`);
      if (round > 0) {
        starts.push(start.ms);
        stops.push(stop.ms);
      }
    }
    console.log(`ssh baseline (true on both hosts, fresh ssh2 connections): ${range(baseline)}`);
    console.log(`CLI start-up (flink-ts --version):                         ${range(cliStartup)}`);
    console.log(`start-cluster, 1 JobManager + 4 TaskManagers, all slots:  ${range(starts)} (target < ${START_TARGET_MS} ms)`);
    console.log(`stop-cluster, everything stopped and cleaned up:          ${range(stops)} (target < ${STOP_TARGET_MS} ms)`);
    return {
      ratio: Math.round((median(baseline) / median(starts)) * 100) / 100,
      startMs: Math.round(median(starts)),
      stopMs: Math.round(median(stops)),
      baselineMs: Math.round(median(baseline)),
      cliStartupMs: Math.round(median(cliStartup)),
      startTargetMs: START_TARGET_MS,
      stopTargetMs: STOP_TARGET_MS,
      rounds: ROUNDS,
    };
  } finally {
    await sshd.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
