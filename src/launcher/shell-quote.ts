/**
 * Quoting for the one place where the launcher must build a command line: SSH carries a command
 * as a single string, which the remote login shell parses. Every argument is quoted so that the
 * shell sees exactly the argv the launcher meant, whatever it contains (spaces, quotes, `$`, `;`,
 * newlines). POSIX `sh` syntax is assumed on the remote side, as Flink's scripts assume it.
 */

// Characters that mean nothing to sh; such words need no quotes, which keeps logs readable.
const SAFE_WORD = /^[A-Za-z0-9_\-./:=@%+,]+$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** One argument as a word `sh` reads back unchanged. */
export function quoteShellArg(arg: string): string {
  if (arg === '') return "''";
  if (SAFE_WORD.test(arg)) return arg;
  // Inside single quotes nothing is special except the closing quote itself: end the quoted
  // part, add an escaped quote, and open a new quoted part.
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Options of {@link shellCommand}. */
export interface ShellCommandOptions {
  /** Variables set for the command only (`NAME=value cmd`). */
  readonly env?: Readonly<Record<string, string>> | undefined;
  /** Directory to run the command in (`cd dir && …`). */
  readonly cwd?: string | undefined;
}

/**
 * The command line for `argv`, with its environment and working directory.
 * @throws TypeError for an empty argv or an environment variable name sh cannot take.
 */
export function shellCommand(argv: readonly string[], options: ShellCommandOptions = {}): string {
  if (argv.length === 0) throw new TypeError('Expected a command, got an empty argv.');
  const assignments = Object.entries(options.env ?? {}).map(([name, value]) => {
    if (!ENV_NAME.test(name)) throw new TypeError(`Expected an environment variable name, got ${JSON.stringify(name)}.`);
    return `${name}=${quoteShellArg(value)}`;
  });
  const steps: string[] = [];
  if (options.cwd !== undefined) steps.push(`cd ${quoteShellArg(options.cwd)}`);
  // `NAME=value exec cmd` does not reliably export NAME to cmd in every sh; `export` does.
  if (assignments.length > 0) steps.push(`export ${assignments.join(' ')}`);
  // `exec` replaces the shell, so that signals and the exit status are the command's own.
  steps.push(`exec ${argv.map(quoteShellArg).join(' ')}`);
  return steps.join(' && ');
}

/**
 * An argv that runs `script` with `/bin/sh` (`$1`… are `args`). `/bin/sh` by path and the basic
 * tool directories appended to PATH: a login whose PATH lacks them (a service account, an odd
 * profile) can still run the launcher's small scripts. `$FLINK_TS_LOGIN_PATH` keeps the login's
 * own PATH for what must come from it (node).
 */
export function shScript(script: string, ...args: readonly string[]): string[] {
  return ['/bin/sh', '-c', `FLINK_TS_LOGIN_PATH=$PATH; PATH="\${PATH:+$PATH:}/usr/bin:/bin"; export PATH\n${script}`, 'flink-ts', ...args];
}
