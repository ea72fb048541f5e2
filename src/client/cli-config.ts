/**
 * The configuration flags every client command shares, and how a command turns them into a
 * Configuration: defaults < `<conf dir>/config.yaml` < `FLINK_TS_PROPERTIES` < `-D` < the command's
 * own flags (`-p`, `-m`, `-t`, `-d`), as Flink's CLI lets its options win over `-D`. The conf dir is
 * `FLINK_TS_CONF_DIR`, else `./conf`.
 */
import { Args, Flags } from '@oclif/core';
import type { Configuration } from '../config/index.js';
import { loadConfiguration } from '../config/index.js';

/** `-D key=value`, repeatable (Flink's GenericCLI `-D`). */
export const dynamicPropertiesFlag = Flags.string({
  char: 'D',
  summary: 'Set a configuration option, overriding conf/config.yaml. Repeatable: -D key=value -D key2=value2.',
  helpValue: '<key=value>',
  multiple: true,
  // Greedy parsing would take the job file for another -D value.
  multipleNonGreedy: true,
});

/** `-p N`: overrides `parallelism.default`. */
export const parallelismFlag = Flags.integer({
  char: 'p',
  summary: 'Parallelism of the job: the default for operators that do not set their own (parallelism.default).',
  helpValue: '<n>',
  min: 1,
});

/** `-m host:port` (Flink's `-m/--jobmanager`): the cluster's REST address; implies the `remote` target. */
export const jobManagerFlag = Flags.string({
  char: 'm',
  summary: "Address of the cluster's REST endpoint (host:port), overriding rest.address and rest.port. Implies -t remote.",
  helpValue: '<host:port>',
});

/** Flags of every command that loads the configuration. */
export const configurationFlags = { property: dynamicPropertiesFlag };

/** The `<jobId>` argument; optional for oclif so that a missing id gets Flink's message and exit code 2 from the action. */
export const jobIdArgument = Args.string({ description: 'The id of the job: 32 hexadecimal characters, as "list" shows.', required: false });

/** `-t` of the commands that talk to a running cluster (list, cancel, savepoint, stop, checkpoint). */
export const clusterTargetFlag = Flags.string({
  char: 't',
  summary: 'remote (with -m), or pool-session|pool-per-job|pool-application with -D pool.application.id=<id>.',
  helpValue: '<target>',
});

/** Every flag of a command that addresses a running cluster: `-m`, `-t`, `-D`. */
export const clusterFlags = { jobmanager: jobManagerFlag, target: clusterTargetFlag, ...configurationFlags };

/** The cluster-addressing options of the actions, from `clusterFlags`' values. */
export function clusterOptionsOf(flags: { jobmanager?: string | undefined; target?: string | undefined; property?: string[] | undefined }): {
  jobManager: string | undefined;
  target: string | undefined;
  dynamicProperties: string[];
  env: NodeJS.ProcessEnv;
} {
  return { jobManager: flags.jobmanager, target: flags.target, dynamicProperties: flags.property ?? [], env: process.env };
}

/** One command-line option that sets configuration keys, named in error messages by `source`. */
export interface FlagOverride {
  /** How the user wrote it, e.g. `-p`. */
  readonly source: string;
  readonly values: Readonly<Record<string, string | number | boolean>>;
}

/** Inputs of {@link loadClientConfiguration}. */
export interface ClientConfigurationInput {
  /** `-D` values without the `-D`. */
  readonly dynamicProperties?: readonly string[];
  /** Applied after `-D`, in order. */
  readonly overrides?: readonly FlagOverride[];
  /** Where `FLINK_TS_CONF_DIR` and `FLINK_TS_PROPERTIES` are read from. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Loads the configuration a client command runs with.
 * @throws ConfigurationError naming the source, key and value of every problem.
 */
export function loadClientConfiguration(input: ClientConfigurationInput = {}): Configuration {
  let configuration = loadConfiguration({
    env: input.env ?? process.env,
    dynamicProperties: input.dynamicProperties ?? [],
  });
  for (const override of input.overrides ?? []) {
    if (Object.keys(override.values).length > 0) configuration = configuration.withOverrides(override.values, override.source);
  }
  return configuration;
}
