/**
 * How client actions turn errors into what the user sees and the exit code: 2 for usage errors
 * (oclif's convention), 1 for everything else, with Flink's banner for a failed program. `run`
 * adds 124 for `--timeout` (see {@link EXIT_TIMEOUT}).
 */
import { ConfigurationError } from '../config/index.js';
import { FlinkTsError, isFlinkTsError } from '../core/errors.js';
import type { ClientOutput } from './cli-output.js';
import { errorChainLines, programExceptionLines } from './cli-output.js';
import { ProgramInvocationException, ProgramMissingJobException } from './program/program-runner.js';

/** The command line asks for something that cannot work; exit code 2. */
export class UsageError extends FlinkTsError {
  constructor(message: string) {
    super('ERR_INVALID_ARGUMENT', message);
  }
}
Object.defineProperty(UsageError.prototype, 'name', { value: 'UsageError' });

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
/** `run --timeout` ran out: the jobs were cancelled. GNU timeout's code, which CI systems know. */
export const EXIT_TIMEOUT = 124;

/** Prints `error` for the user and returns the exit code it deserves. */
export function reportError(error: unknown, output: ClientOutput): number {
  if (error instanceof UsageError) {
    output.err(error.message);
    return EXIT_USAGE;
  }
  if (error instanceof ProgramInvocationException || error instanceof ProgramMissingJobException) {
    for (const line of programExceptionLines(error)) output.err(line);
    return EXIT_FAILURE;
  }
  // These messages are complete sentences naming what to fix; a stack would only bury them.
  if (error instanceof ConfigurationError || isFlinkTsError(error)) {
    output.err(error.message);
    return EXIT_FAILURE;
  }
  output.err('Unexpected error in the flink-ts client:');
  for (const line of errorChainLines(error)) output.err(line);
  return EXIT_FAILURE;
}
