/**
 * Sample data of the window-join example (Flink's WindowJoinSampleData): (name, grade) and
 * (name, salary) pairs over the same names. Flink draws them from java.util.Random; here element
 * `i` of each stream comes from a hash of `i`, so the values look random but every run (and every
 * subtask, whichever indexes it generates) produces the same ones — which lets tests check them.
 * Nothing here imports 'flink-ts', so tests can import it too.
 */

export const NAMES = ['tom', 'jerry', 'alice', 'bob', 'john', 'grace'] as const;
export const GRADE_COUNT = 5;
export const SALARY_MAX = 10000;

/** A 32-bit integer hash of (index, stream): well spread, so consecutive indexes look unrelated. */
function mix(index: number, stream: number): number {
  let h = Math.imul((index | 0) ^ Math.imul(stream, 0x27d4eb2d), 0x9e3779b1);
  h ^= h >>> 15;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function tupleAt(index: number, stream: number, maxValue: number): [string, number] {
  const name = NAMES[mix(index, stream) % NAMES.length] ?? 'tom';
  return [name, (mix(index, stream + 1) % maxValue) + 1];
}

/** The `index`-th (name, grade): a grade from 1 to GRADE_COUNT. */
export function gradeAt(index: number): [string, number] {
  return tupleAt(index, 1, GRADE_COUNT);
}

/** The `index`-th (name, salary): a salary from 1 to SALARY_MAX. */
export function salaryAt(index: number): [string, number] {
  return tupleAt(index, 3, SALARY_MAX);
}
