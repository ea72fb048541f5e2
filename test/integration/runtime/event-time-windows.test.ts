/**
 * Event-time windows through the built CLI at -p 1 and 4: timestamps from the records, bounded
 * out-of-orderness watermarks, tumbling, sliding and session windows (merging), each window
 * fired once by the end-of-input watermark with the sum of exactly its records.
 */
import { before, test } from 'node:test';
import { assertBuilt, assertFinished, assertSameMultiset, fixture, outputLines, printedBy, runJob, values } from './runtime-harness.js';

const JOB = fixture('event-time-windows.ts');

const EXPECTED: Record<string, string[]> = {
  tumbling: ['a [0,5000) 13', 'a [5000,10000) 2', 'a [15000,20000) 16', 'b [0,5000) 10', 'b [10000,15000) 60'],
  sliding: [
    'a [-5000,5000) 13',
    'a [0,10000) 15',
    'a [5000,15000) 2',
    'a [10000,20000) 16',
    'a [15000,25000) 16',
    'b [-5000,5000) 10',
    'b [0,10000) 10',
    'b [5000,15000) 60',
    'b [10000,20000) 60',
  ],
  session: ['a [1000,10000) 15', 'a [16000,19000) 16', 'b [3000,6000) 10', 'b [11000,15000) 60'],
};

before(() => {
  assertBuilt();
});

for (const p of [1, 4]) {
  for (const [assigner, expected] of Object.entries(EXPECTED)) {
    test(`-p ${p}, ${assigner} windows: every window once, with exactly its records`, async () => {
      const run = await runJob(JOB, { parallelism: p, args: ['--assigner', assigner] });
      assertFinished(run);
      assertSameMultiset(values(printedBy(outputLines(run.stdout), undefined, p)), expected, `${assigner} windows`);
    });
  }
}
