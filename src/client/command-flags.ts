/**
 * The flags of the commands that take a job file (`run`, `info`). They live here rather than in
 * the command files because the argument splitter (cli-args.ts) must know which flags take a
 * value, and bin/flink-ts uses it before oclif loads any command.
 */
import { Flags } from '@oclif/core';
import { configurationFlags, jobManagerFlag, parallelismFlag } from './cli-config.js';

export const infoFlags = {
  parallelism: parallelismFlag,
  ...configurationFlags,
};

export const runFlags = {
  parallelism: parallelismFlag,
  detached: Flags.boolean({
    char: 'd',
    summary: 'Return once the job is submitted instead of waiting for its result (execution.attached=false).',
    default: false,
  }),
  target: Flags.string({
    char: 't',
    summary:
      'Where the job runs (execution.target). Available: local, a cluster inside this process; remote, an existing cluster reached through its REST API (-m or rest.address:rest.port); ' +
      'ssh-per-job, a cluster on the hosts of conf/masters and conf/workers for this job only, taken down when it ends; ' +
      "ssh-application, a cluster on those hosts whose JobManager runs the job's main and ends with it; " +
      'pool-per-job and pool-application (also yarn-per-job, yarn-application), the same in the resource pool; pool-session with -D pool.application.id=<id>, a pool session.',
    helpValue: '<target>',
  }),
  jobmanager: jobManagerFlag,
  fromSavepoint: Flags.string({
    char: 's',
    summary: 'Restore the job from this savepoint or retained checkpoint (execution.state-recovery.path).',
    helpValue: '<savepointPath>',
  }),
  allowNonRestoredState: Flags.boolean({
    char: 'n',
    summary:
      'With -s: let the job start even when the savepoint holds state that no operator of the job claims, e.g. of an operator that was removed (execution.state-recovery.ignore-unclaimed-state).',
    default: false,
  }),
  queue: Flags.string({
    summary: '(-qu) Pool queue for -t pool-per-job and pool-application (pool.application.queue).',
    helpValue: '<queue>',
  }),
  timeout: Flags.string({
    summary:
      'Cancel the job(s) when they have not ended within this time (Flink duration syntax: 90 s, 2 min, 1 h), take down what the target deployed, and exit with code 124. Needs an attached run.',
    helpValue: '<duration>',
  }),
  json: Flags.boolean({
    summary:
      'At the end, print one JSON object on stdout: {"exitCode", "jobs": [{"jobId", "jobName", "state", "durationMs", "error"?}], "clusterId"?}. Everything else, the program\'s own output included, goes to stderr.',
    default: false,
  }),
  ...configurationFlags,
};

/** Commands whose first positional argument is a job file followed by the job's own arguments. */
export const PROGRAM_COMMANDS: Readonly<Record<string, Readonly<Record<string, { type: string; char?: string }>>>> = {
  run: runFlags,
  info: infoFlags,
};
