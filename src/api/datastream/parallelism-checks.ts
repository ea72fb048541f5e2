import { UPPER_BOUND_MAX_PARALLELISM } from '../../core/key-group-range-assignment.js';

export function checkParallelism(parallelism: number, what: string): void {
  if (!Number.isInteger(parallelism) || parallelism < 1) {
    throw new TypeError(`Invalid parallelism ${parallelism} for ${what}: the parallelism must be an integer >= 1.`);
  }
}

export function checkMaxParallelism(maxParallelism: number, what: string): void {
  if (!Number.isInteger(maxParallelism) || maxParallelism < 1 || maxParallelism > UPPER_BOUND_MAX_PARALLELISM) {
    throw new TypeError(
      `Invalid max parallelism ${maxParallelism} for ${what}: it must be an integer between 1 and ${UPPER_BOUND_MAX_PARALLELISM}.`,
    );
  }
}
