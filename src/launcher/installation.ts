/**
 * Where flink-ts is installed on each host.
 *
 * - By default, Flink's contract: the same path on every host, `launcher.install-dir` or else the
 *   launcher's own installation path. The agent's wrapper checks it on the first command and
 *   the launcher reports a host where it is missing, naming the host and the path.
 * - With `launcher.ship-distribution: true`, the launcher copies its own distribution over SFTP
 *   into `<launcher.install-dir, else ~/.flink-ts/dist>/flink-ts-<version>-<hash>/` on each host
 *   that does not have that exact build yet (a marker file, written last, says it is complete), and
 *   uses it there. Hosts need Node.js ≥ 20.11 and the launcher's OS and CPU architecture (the
 *   dependencies include native modules).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { ensureError } from '../core/errors.js';
import { INSTALLATION_ROOT } from '../entrypoints/installation.js';
import { mapConcurrent } from './concurrency.js';
import type { LocalDistribution } from './distribution.js';
import { localDistribution } from './distribution.js';
import type { RemoteExecutor } from './executor/remote-executor.js';
import { RemoteInstallError, SshChannelError } from './launcher-errors.js';
import { shScript } from './shell-quote.js';

/** Written last into a shipped directory: its presence means the copy is complete. */
export const SHIPPED_MARKER = '.flink-ts-shipped';
/** Where shipped builds go without `launcher.install-dir`. */
export const DEFAULT_SHIP_BASE = '~/.flink-ts/dist';
/** Package directories uploaded at the same time (each upload writes several files at once). */
const UPLOAD_PARALLELISM = 4;

// `~/` is the login's home on the host; the shell expands it there, since the launcher cannot
// know it. $1 is the directory; prints what the launcher needs to decide.
const PROBE_SCRIPT = [
  'd=$1',
  'case $d in "~") d=$HOME ;; "~/"*) d=$HOME/${d#"~/"} ;; esac',
  'printf "dir=%s\\n" "$d"',
  'printf "system=%s %s\\n" "$(uname -s)" "$(uname -m)"',
  `if [ -f "$d/${SHIPPED_MARKER}" ]; then echo shipped=yes; else echo shipped=no; fi`,
].join('\n');

// Moves the complete copy into place unless another launcher was faster; $1 copy, $2 target.
const COMMIT_SCRIPT = 'if [ -e "$2" ]; then rm -rf "$1"; else mv "$1" "$2"; fi';

export interface InstallationSettings {
  readonly shipDistribution: boolean;
  /** `launcher.install-dir`. */
  readonly installDir?: string | undefined;
}

/** What shipping did on a host. */
export interface ShipReport {
  /** The distribution's directory on the host (absolute). */
  readonly dir: string;
  /** False when the host already had this build. */
  readonly uploaded: boolean;
}

const SYSTEM_NAMES: Readonly<Record<string, string>> = { linux: 'Linux', darwin: 'Darwin', freebsd: 'FreeBSD' };
const MACHINE_NAMES: Readonly<Record<string, readonly string[]>> = { x64: ['x86_64', 'amd64'], arm64: ['aarch64', 'arm64'] };

/** Decides, per host, the directory flink-ts runs from, shipping it there first when asked to. */
export class Installations {
  private readonly shipped = new Map<RemoteExecutor, Promise<ShipReport>>();

  constructor(
    private readonly settings: InstallationSettings,
    private readonly distribution: () => LocalDistribution = () => localDistribution(),
  ) {}

  /** The same path on every host: `launcher.install-dir`, else where the launcher itself is installed. */
  get sharedInstallDir(): string {
    return this.settings.installDir ?? INSTALLATION_ROOT;
  }

  /**
   * The install directory on the executor's host (with shipping: after making sure the build is
   * there). Without shipping it is not checked here; the first command run from it is.
   * @throws RemoteInstallError when shipping fails.
   */
  async installDir(executor: RemoteExecutor): Promise<string> {
    if (!this.settings.shipDistribution) return this.sharedInstallDir;
    return (await this.ship(executor)).dir;
  }

  /** Ships the distribution to the host unless it has it (once per launcher and host). */
  ship(executor: RemoteExecutor): Promise<ShipReport> {
    let report = this.shipped.get(executor);
    if (report === undefined) {
      report = this.shipOnce(executor);
      this.shipped.set(executor, report);
      report.catch(() => this.shipped.delete(executor));
    }
    return report;
  }

  private async shipOnce(executor: RemoteExecutor): Promise<ShipReport> {
    const distribution = this.distribution();
    const target = posix.join(this.settings.installDir ?? DEFAULT_SHIP_BASE, distribution.name);
    const probe = await executor.exec(shScript(PROBE_SCRIPT, target));
    const fields = new Map(probe.stdout.split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
    const dir = fields.get('dir');
    if (probe.exitCode !== 0 || dir === undefined || dir === '') {
      throw new RemoteInstallError(`Could not inspect ${target} on host ${executor.displayName}: ${probe.stderr.trim() || `exit code ${String(probe.exitCode)}`}.`, executor.host.host, target);
    }
    checkSystem(executor, fields.get('system') ?? '');
    if (fields.get('shipped') === 'yes') return { dir, uploaded: false };
    const partial = `${dir}.partial-${randomBytes(4).toString('hex')}`;
    try {
      // The directories the entries go into, before the entries race to create them.
      const parents = [...new Set(distribution.entries.map((entry) => posix.dirname(posix.join(partial, entry.remote))))];
      const made = await executor.exec(shScript('mkdir -p "$@"', ...parents));
      if (made.exitCode !== 0) throw new Error(made.stderr.trim() || `mkdir exited with ${String(made.exitCode)}`);
      await mapConcurrent(distribution.entries, UPLOAD_PARALLELISM, async (entry) => {
        const remote = posix.join(partial, entry.remote);
        if (entry.kind === 'dir') await executor.upload(entry.local, remote, { exclude: entry.exclude });
        else await executor.writeFile(remote, readFileSync(entry.local));
      });
      const marker = JSON.stringify({ version: distribution.version, hash: distribution.hash, shippedAt: new Date().toISOString() });
      await executor.writeFile(posix.join(partial, SHIPPED_MARKER), `${marker}\n`);
      const commit = await executor.exec(shScript(COMMIT_SCRIPT, partial, dir));
      if (commit.exitCode !== 0) throw new Error(commit.stderr.trim() || `exit code ${String(commit.exitCode)}`);
    } catch (error) {
      // Never leave a half copy behind (the marker is what makes a copy count, but space counts too).
      await executor.exec(shScript('rm -rf "$1"', partial)).catch(() => undefined);
      if (error instanceof SshChannelError) throw error;
      throw new RemoteInstallError(`Could not ship flink-ts to ${dir} on host ${executor.displayName}: ${ensureError(error).message}`, executor.host.host, dir, { cause: error });
    }
    return { dir, uploaded: true };
  }
}

/** The shipped dependencies hold native code: the host must have the launcher's OS and CPU. */
function checkSystem(executor: RemoteExecutor, system: string): void {
  const [os = '', machine = ''] = system.split(' ');
  const wantOs = SYSTEM_NAMES[process.platform];
  const wantMachines = MACHINE_NAMES[process.arch];
  const osOk = wantOs === undefined || os === wantOs;
  const machineOk = wantMachines === undefined || wantMachines.includes(machine);
  if (osOk && machineOk) return;
  throw new RemoteInstallError(
    `Cannot ship flink-ts to host ${executor.displayName}: it runs ${system}, the launcher ${wantOs ?? process.platform} ${process.arch}, and the shipped dependencies include native modules. Install flink-ts on that host instead and unset launcher.ship-distribution.`,
    executor.host.host,
    '',
  );
}
