import { mkdirSync, writeFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startSshdHosts } from '/work/main/test/support/sshd.js';
import { Configuration } from '/work/main/src/config/index.js';
import { RemoteDaemons } from '/work/main/src/launcher/remote-daemons.js';
import { clusterConfiguration } from '/work/main/src/launcher/remote-configuration.js';
const sshd = await startSshdHosts({ count: 2 });
const dir = mkdtempSync(join(tmpdir(), 'p1-'));
const base = Configuration.fromMap({ 'launcher.ssh.identity-file': sshd.identityFile, 'launcher.ssh.known-hosts': sshd.knownHosts, 'launcher.ssh.port': sshd.port, 'jobmanager.rpc.port': 36124, 'rest.port': 38082 });
const conf = clusterConfiguration(base, { host: '127.0.0.2' }, dir);
const d = RemoteDaemons.create(conf);
const t0 = Date.now();
const lap = (what: string) => console.log(what, Date.now() - t0);
try {
  await Promise.all([d.warmUp({ host: '127.0.0.2' }), d.warmUp({ host: '127.0.0.3' })]); lap('warm');
  const jm = await d.startJobManager({ host: '127.0.0.2' }); lap('jm ' + jm.summary);
  const tms = await Promise.all([d.startTaskManagers({ host: '127.0.0.2' }, [{}, {}]), d.startTaskManagers({ host: '127.0.0.3' }, [{}, {}])]); lap('tms ' + tms.flat().map(t => t.summary).join());
  console.log(await d.alivePids({ host: '127.0.0.3' }, 'taskmanager')); lap('status');
  const r = await Promise.all([d.stopAllAndCleanUp({ host: '127.0.0.2' }, { jobManager: true }), d.stopAllAndCleanUp({ host: '127.0.0.3' }, { jobManager: false })]); lap('stop ' + JSON.stringify(r.map(x => x.stops.map(s => s.summary))));
} finally { await d.close(); await sshd.stop(); }
