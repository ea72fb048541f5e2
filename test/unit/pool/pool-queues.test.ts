import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseQueues } from '../../../src/client/pool/pool-queues.js';
import { splitProgramArguments } from '../../../src/client/cli-args.js';
import { runFlags } from '../../../src/client/command-flags.js';

test('a queues file: capacities and maximum capacities, the maximum 100 by default', () => {
  assert.deepEqual(parseQueues('queues:\n  etl: { capacity: 60, maximum-capacity: 80 }\n  adhoc:\n    capacity: 40\n', 'q.yaml'), [
    { name: 'etl', capacity: 60, maximumCapacity: 80 },
    { name: 'adhoc', capacity: 40, maximumCapacity: 100 },
  ]);
});

test('a bad queues file names the file and what is wrong', () => {
  const cases: [string, RegExp][] = [
    ['queues: [1, 2]', /q\.yaml: expected a map 'queues:' of queue name to \{ capacity, maximum-capacity \}\.$/],
    ['queues:\n  a: { capacity: 60 }\n  b: { capacity: 30 }\n', /q\.yaml: the capacities add up to 90, not 100\.$/],
    ['queues:\n  a: { capacity: 100, maximum-capacity: 50 }\n', /q\.yaml: queue 'a': maximum-capacity must be between its capacity and 100\.$/],
    ['queues:\n  a: { capacity: 100, max: 50 }\n', /q\.yaml: queue 'a': unknown key 'max' \(expected capacity, maximum-capacity\)\.$/],
    ['queues:\n  "a b": { capacity: 100 }\n', /q\.yaml: invalid queue name 'a b'/],
    ['queues:\n  a: { capacity: "all" }\n', /q\.yaml: queue 'a': capacity must be a number of percent between 0 and 100\.$/],
    ['queues: {}\n', /q\.yaml: no queues defined\.$/],
    ['queues: [\n', /q\.yaml: not valid YAML/],
  ];
  for (const [text, message] of cases) assert.throws(() => parseQueues(text, 'q.yaml'), message, text);
});

test('run -qu <queue> before the job file is --queue; after it, it is the job\'s own argument', () => {
  assert.deepEqual(splitProgramArguments(['-t', 'pool-per-job', '-qu', 'etl', 'job.ts', '-qu', 'x'], runFlags), {
    cliArgs: ['-t', 'pool-per-job', '--queue', 'etl'],
    jobFile: 'job.ts',
    jobArgs: ['-qu', 'x'],
  });
  assert.deepEqual(splitProgramArguments(['-qu=adhoc', 'job.ts'], runFlags).cliArgs, ['--queue=adhoc']);
});
