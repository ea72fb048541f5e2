import { startSshdHosts } from '/work/main/test/support/sshd.js';
import { SshExecutor } from '/work/main/src/launcher/executor/ssh-executor.js';
const t0 = Date.now();
const sshd = await startSshdHosts({ count: 2 });
console.log('sshd up', Date.now() - t0, 'ms', sshd.port, sshd.hosts.map(h => h.fingerprint));
const settings = { user: sshd.user, port: sshd.port, identityFile: sshd.identityFile, defaultIdentityFiles: [], connectTimeoutMs: 5000, knownHostsFiles: [sshd.knownHosts], knownHostsFile: sshd.knownHosts, strictHostKeyChecking: 'yes' as const };
const ex = new SshExecutor({ host: '127.0.0.2' }, settings, (l) => console.log('NOTICE', l));
try {
  let t = Date.now();
  console.log(await ex.exec(['sh', '-c', 'echo "$HOME $FOO $(pwd)"; echo err >&2; cat; exit 3'], { env: { FOO: "a b'c" }, stdin: 'hello\n' }), Date.now() - t);
  t = Date.now();
  console.log(await ex.exec(['true']), Date.now() - t);
  t = Date.now();
  await ex.exec(['sleep', '5'], { timeoutMs: 300 }).catch((e) => console.log('timeout:', (e as Error).message, Date.now() - t));
  await ex.writeFile(sshd.hosts[0]!.home + '/x.txt', 'content', 0o600);
  console.log(await ex.exec(['ls', '-l', sshd.hosts[0]!.home]));
  const bad = new SshExecutor({ host: '127.0.0.2' }, { ...settings, identityFile: sshd.unauthorizedIdentityFile });
  await bad.exec(['true']).catch((e) => console.log('AUTH:', (e as Error).message));
  const unknown = new SshExecutor({ host: '127.0.0.3' }, { ...settings, knownHostsFiles: ['/nonexistent'], knownHostsFile: '/tmp/scratch/kh' });
  await unknown.exec(['true']).catch((e) => console.log('HOSTKEY:', (e as Error).message));
  const refused = new SshExecutor({ host: '127.0.0.9' }, settings);
  await refused.exec(['true']).catch((e) => console.log('CONNECT:', (e as Error).message));
  await bad.close(); await unknown.close(); await refused.close();
} finally {
  await ex.close();
  await sshd.stop();
}
