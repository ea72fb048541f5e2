/**
 * The job id argument of the commands that address one job (`savepoint`, `stop`, `checkpoint`):
 * missing or malformed ids are usage errors (exit code 2) with Flink's wording.
 */
import type { JobId } from '../core/ids.js';
import { ensureError } from '../core/errors.js';
import { parseJobId } from '../core/ids.js';
import { UsageError } from './client-errors.js';

/**
 * @param missing Flink's message for a missing id, e.g. `Missing JobID. Specify a Job ID to trigger a savepoint.`
 * @throws UsageError when the id is missing or not 32 hex characters.
 */
export function jobIdArgument(value: string | undefined, missing: string): JobId {
  if (value === undefined) throw new UsageError(missing);
  try {
    return parseJobId(value);
  } catch (error) {
    throw new UsageError(ensureError(error).message);
  }
}
