import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  appendKnownHost,
  hostFieldMatches,
  keyFingerprint,
  keyTypeLabel,
  keyTypeOf,
  knownHostsName,
  knownKeyTypes,
  parseKnownHosts,
  verifyHostKey,
} from '../../../src/launcher/executor/known-hosts.js';

// A key and its fingerprint as ssh-keygen printed them, and known_hosts lines for it hashed with
// `ssh-keygen -H` (the first for `[127.0.0.2]:2222`, the second for `worker1`).
const KEY = 'AAAAC3NzaC1lZDI1NTE5AAAAIGT9L5ESRY9n9iONwCjPM/z2YbVmhh1pA/i8aejNqWXD';
const FINGERPRINT = 'SHA256:KN/9mJoMOiwV2ATRjsznVOSEIC/hFRbRXex8Wq64q78';
const HASHED_PORT_ENTRY = `|1|xYfgX9Pu9V779O6mp+Z4EesoAHg=|BvFwtaKUg186AaAQAbqYLQ8YNgM= ssh-ed25519 ${KEY}`;
const HASHED_NAME_ENTRY = `|1|0zY3bBNi9HQKxeHm0dtKz0pybGk=|eNAlF/jmCjKcjPOt+daXCNcEiY4= ssh-ed25519 ${KEY}`;
const OTHER_KEY = 'AAAAC3NzaC1lZDI1NTE5AAAAIJ2d2q6bV0cJ6o0c1cM0Oi3kq0vUyZ1QmXzZb8mM0m7X';
const blob = Buffer.from(KEY, 'base64');

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('known_hosts', () => {
  test('names a host as OpenSSH does: bare on port 22, [host]:port elsewhere', () => {
    assert.equal(knownHostsName('worker1', 22), 'worker1');
    assert.equal(knownHostsName('127.0.0.2', 2222), '[127.0.0.2]:2222');
  });

  test('fingerprints and labels a key as ssh-keygen -l does', () => {
    assert.equal(keyFingerprint(blob), FINGERPRINT);
    assert.equal(keyTypeOf(blob), 'ssh-ed25519');
    assert.equal(keyTypeLabel('ssh-ed25519'), 'ED25519');
    assert.equal(keyTypeLabel('ecdsa-sha2-nistp256'), 'ECDSA');
    assert.equal(keyTypeLabel('ssh-rsa'), 'RSA');
  });

  test('parses key lines, markers and comments, and skips what is not a key line', () => {
    const entries = parseKnownHosts(
      ['# comment', '', `worker1,10.0.0.1 ssh-ed25519 ${KEY} root@worker1`, `@revoked worker2 ssh-ed25519 ${KEY}`, `@cert-authority *.example.com ssh-ed25519 ${KEY}`, 'garbage', `w3 ssh-ed25519 not*base64`].join('\n'),
      'kh',
    );
    assert.deepEqual(
      entries.map((e) => [e.hosts, e.keyType, e.revoked, e.line]),
      [
        ['worker1,10.0.0.1', 'ssh-ed25519', false, 3],
        ['worker2', 'ssh-ed25519', true, 4],
      ],
    );
  });

  test('matches hashed entries written by ssh-keygen -H, with and without a port', () => {
    assert.equal(hostFieldMatches(HASHED_PORT_ENTRY.split(' ')[0] ?? '', '[127.0.0.2]:2222'), true);
    assert.equal(hostFieldMatches(HASHED_PORT_ENTRY.split(' ')[0] ?? '', '127.0.0.2'), false);
    assert.equal(hostFieldMatches(HASHED_PORT_ENTRY.split(' ')[0] ?? '', '[127.0.0.2]:2223'), false);
    assert.equal(hostFieldMatches(HASHED_NAME_ENTRY.split(' ')[0] ?? '', 'worker1'), true);
    assert.equal(hostFieldMatches(HASHED_NAME_ENTRY.split(' ')[0] ?? '', 'worker2'), false);
  });

  test('matches patterns: lists, wildcards, negation, [host]:port', () => {
    assert.equal(hostFieldMatches('a,b,c', 'b'), true);
    assert.equal(hostFieldMatches('*.example.com', 'w1.example.com'), true);
    assert.equal(hostFieldMatches('*.example.com', 'example.com'), false);
    assert.equal(hostFieldMatches('w?', 'w7'), true);
    assert.equal(hostFieldMatches('*.example.com,!bad.example.com', 'bad.example.com'), false);
    assert.equal(hostFieldMatches('[10.0.0.1]:2222', '[10.0.0.1]:2222'), true);
    assert.equal(hostFieldMatches('10.0.0.1', '[10.0.0.1]:2222'), false);
    assert.equal(hostFieldMatches('WORKER1', 'worker1'), true);
  });

  test('verifies a presented key: trusted, changed, unknown, revoked', () => {
    const entries = parseKnownHosts([HASHED_PORT_ENTRY, `worker1 ssh-ed25519 ${OTHER_KEY}`, `@revoked worker9 ssh-ed25519 ${KEY}`, `worker9 ssh-ed25519 ${KEY}`].join('\n'), 'kh');
    assert.equal(verifyHostKey(entries, '[127.0.0.2]:2222', blob).kind, 'trusted');
    const changed = verifyHostKey(entries, 'worker1', blob);
    assert.equal(changed.kind, 'changed');
    assert.equal(changed.kind === 'changed' ? changed.known[0]?.line : -1, 2);
    assert.equal(verifyHostKey(entries, 'worker2', blob).kind, 'unknown');
    // A revoked key stays refused even when another line trusts it.
    assert.equal(verifyHostKey(entries, 'worker9', blob).kind, 'revoked');
    assert.deepEqual(knownKeyTypes(entries, 'worker1'), ['ssh-ed25519']);
    assert.deepEqual(knownKeyTypes(entries, 'nobody'), []);
  });

  test('accept-new appends a line OpenSSH can read, creating the file 0600', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flink-ts-kh-'));
    dirs.push(dir);
    const file = join(dir, 'ssh', 'known_hosts');
    appendKnownHost(file, '[127.0.0.2]:2222', blob);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    writeFileSync(file, `${readFileSync(file, 'utf8')}worker1 ssh-ed25519 ${OTHER_KEY}`);
    appendKnownHost(file, 'worker2', blob);
    assert.equal(readFileSync(file, 'utf8'), `[127.0.0.2]:2222 ssh-ed25519 ${KEY}\nworker1 ssh-ed25519 ${OTHER_KEY}\nworker2 ssh-ed25519 ${KEY}\n`);
    assert.equal(verifyHostKey(parseKnownHosts(readFileSync(file, 'utf8'), file), 'worker2', blob).kind, 'trusted');
  });
});
