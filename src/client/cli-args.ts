/**
 * Splits a job command line into the CLI's own options, the job file and the job's arguments.
 * Everything after the job file belongs to the job, verbatim, even when it looks like one of our
 * flags (`flink-ts run job.ts -p 3 --input x` gives the job `-p 3 --input x`), as Flink passes
 * everything after the JAR to `main()`. oclif alone cannot do that: it would parse `-p 3` itself.
 */
import { PROGRAM_COMMANDS } from './command-flags.js';

/** The part of a flag definition the splitter needs (oclif's flag objects fit). */
export interface FlagShape {
  readonly type: string;
  readonly char?: string;
}

export interface ProgramArguments {
  /** Options for the CLI, as given (before the job file). */
  readonly cliArgs: string[];
  /** The first positional argument, or undefined when there is none. */
  readonly jobFile: string | undefined;
  /** Everything after the job file. */
  readonly jobArgs: string[];
}

export function splitProgramArguments(argv: readonly string[], flags: Readonly<Record<string, FlagShape>>): ProgramArguments {
  const valuedLong = new Set<string>();
  const valuedShort = new Set<string>();
  for (const [name, flag] of Object.entries(flags)) {
    if (flag.type !== 'option') continue;
    valuedLong.add(`--${name}`);
    if (flag.char !== undefined) valuedShort.add(flag.char);
  }
  const cliArgs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      // An explicit end of options: the next argument is the job file, whatever it looks like.
      return { cliArgs, jobFile: argv[i + 1], jobArgs: argv.slice(i + 2) };
    }
    if (arg.startsWith('--')) {
      cliArgs.push(arg);
      if (!arg.includes('=') && valuedLong.has(arg) && i + 1 < argv.length) cliArgs.push(argv[++i] ?? '');
      continue;
    }
    // yarn-session's two-letter `-qu <queue>` (run -t pool-per-job -qu etl), as `--queue`.
    if (/^-qu(=|$)/.test(arg) && 'queue' in flags) {
      if (arg === '-qu') {
        cliArgs.push('--queue');
        if (i + 1 < argv.length) cliArgs.push(argv[++i] ?? '');
      } else cliArgs.push(`--queue=${arg.slice(4)}`);
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      cliArgs.push(arg);
      if (takesNextArgument(arg, valuedShort) && i + 1 < argv.length) cliArgs.push(argv[++i] ?? '');
      continue;
    }
    return { cliArgs, jobFile: arg, jobArgs: argv.slice(i + 1) };
  }
  return { cliArgs, jobFile: undefined, jobArgs: [] };
}

// `-p 2` and `-dp 2` take the next argument; `-p2`, `-Dkey=v` and `-d` do not.
function takesNextArgument(cluster: string, valuedShort: ReadonlySet<string>): boolean {
  for (let j = 1; j < cluster.length; j++) {
    if (valuedShort.has(cluster.charAt(j))) return j === cluster.length - 1;
  }
  return false;
}

/**
 * Rewrites `flink-ts run [opts] job.ts [job args]` to `run [opts] -- job.ts [job args]`. oclif shows
 * a command's help when `--help` appears anywhere before a `--`, which would steal a job's own
 * `--help`; the `--` stops that, and {@link splitProgramArguments} reads it as the end of options.
 */
export function protectProgramArguments(argv: readonly string[]): string[] {
  const [command, ...rest] = argv;
  const flags = command === undefined ? undefined : PROGRAM_COMMANDS[command];
  if (command === undefined || flags === undefined) return [...argv];
  const { cliArgs, jobFile, jobArgs } = splitProgramArguments(rest, flags);
  if (jobFile === undefined) return [...argv];
  return [command, ...cliArgs, '--', jobFile, ...jobArgs];
}
