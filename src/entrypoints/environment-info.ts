/**
 * The banner a cluster process logs when it starts (Flink's EnvironmentInformation): enough to
 * tell from a log file alone which version ran where, as whom, with which configuration. Secrets
 * never reach the log: sensitive keys are masked, in the configuration and in `-D` arguments.
 */
import { hostname, userInfo } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import type { Configuration } from '../config/index.js';
import type { Logger } from '../core/logger.js';
import { flinkTsVersion } from './installation.js';

/** What replaces a sensitive value in logs. */
export const HIDDEN_VALUE = '******';

// Substrings of keys whose values are credentials (Flink's GlobalConfiguration uses the same idea).
// `security.cluster-secret` is the one flink-ts has today; the others keep pass-through keys of
// connectors (`…password`, `…token`) out of the log as well.
const SENSITIVE_KEY_PARTS = ['secret', 'password', 'passwd', 'token', 'apikey', 'api-key', 'credential', 'private-key', 'jaas.config', 'auth-params'];

/** True when the value of `key` must not be logged. */
export function isSensitiveKey(key: string): boolean {
  const lower = key.toLowerCase();
  return SENSITIVE_KEY_PARTS.some((part) => lower.includes(part));
}

/** `key=value` with the value hidden when the key is sensitive. */
function maskAssignment(assignment: string): string {
  const eq = assignment.indexOf('=');
  if (eq < 0) return assignment;
  return isSensitiveKey(assignment.slice(0, eq)) ? `${assignment.slice(0, eq + 1)}${HIDDEN_VALUE}` : assignment;
}

/** Program arguments with the values of sensitive `-D key=value` hidden (both `-D k=v` and `-Dk=v`). */
export function maskArguments(args: readonly string[]): string[] {
  return args.map((arg, i) => {
    if (arg.startsWith('-D') && arg.length > 2) return `-D${maskAssignment(arg.slice(2))}`;
    if (i > 0 && args[i - 1] === '-D') return maskAssignment(arg);
    return arg;
  });
}

/** The explicitly set configuration as `key: value` lines, sensitive values hidden. */
export function configurationLines(configuration: Configuration): string[] {
  return Object.entries(configuration.toMap()).map(([key, value]) => `${key}: ${isSensitiveKey(key) ? HIDDEN_VALUE : value}`);
}

export interface EnvironmentInfo {
  readonly entrypointClass: string;
  readonly daemonName: string;
  readonly configuration: Configuration;
  readonly configDir?: string | undefined;
  readonly logFile?: string | undefined;
  readonly programArguments?: readonly string[] | undefined;
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    // No passwd entry for the uid (common in containers).
    return process.env.USER ?? `uid ${process.getuid?.() ?? '?'}`;
  }
}

const RULE = '-'.repeat(80);

/** Logs the start banner and the configuration, one line per key so that logs can be grepped. */
export function logEnvironmentInfo(logger: Logger, info: EnvironmentInfo): void {
  const heapMb = Math.round(getHeapStatistics().heap_size_limit / (1024 * 1024));
  const lines = [
    RULE,
    ` Starting ${info.entrypointClass} (${info.daemonName}).`,
    ` Version: flink-ts ${flinkTsVersion()}`,
    ` Node: ${process.version} (${process.platform} ${process.arch}), heap limit ${heapMb} MB`,
    ` OS user: ${osUser()}`,
    ` PID: ${process.pid}`,
    ` Host: ${hostname()}`,
    ` Working directory: ${process.cwd()}`,
    ` Configuration directory: ${info.configDir ?? '(none)'}`,
    ` Log file: ${info.logFile ?? '(console)'}`,
    ` Program arguments: ${maskArguments(info.programArguments ?? []).join(' ') || '(none)'}`,
    RULE,
  ];
  for (const line of lines) logger.info(line);
  const config = configurationLines(info.configuration);
  logger.info(config.length === 0 ? 'Configuration: every option has its default.' : 'Configuration (explicitly set options; all others have their defaults):');
  for (const line of config) logger.info(`  ${line}`);
}
