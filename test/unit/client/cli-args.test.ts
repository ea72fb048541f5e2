import assert from 'node:assert/strict';
import { test } from 'node:test';
import { protectProgramArguments, splitProgramArguments } from '../../../src/client/cli-args.js';
import { runFlags } from '../../../src/client/command-flags.js';

test('everything after the job file goes to the job verbatim, flags included', () => {
  assert.deepEqual(splitProgramArguments(['-p', '2', 'job.ts', '--input', 'x', '-p', '3', '--help'], runFlags), {
    cliArgs: ['-p', '2'],
    jobFile: 'job.ts',
    jobArgs: ['--input', 'x', '-p', '3', '--help'],
  });
});

test('flag values are not mistaken for the job file, in every spelling', () => {
  const argv = ['-D', 'a=1', '-Db=2', '--property', 'c=3', '--property=d=4', '-p3', '--parallelism', '4', '-t', 'local', '-d', 'job.ts'];
  const { cliArgs, jobFile, jobArgs } = splitProgramArguments(argv, runFlags);
  assert.deepEqual(cliArgs, argv.slice(0, -1));
  assert.equal(jobFile, 'job.ts');
  assert.deepEqual(jobArgs, []);
});

test('a cluster of short flags takes a value when it ends with a flag that needs one', () => {
  assert.deepEqual(splitProgramArguments(['-dp', '2', 'job.ts'], runFlags).jobFile, 'job.ts');
});

test('-- ends the options: the next argument is the job file even if it starts with a dash', () => {
  assert.deepEqual(splitProgramArguments(['-p', '2', '--', '-odd-name.ts', '--x'], runFlags), {
    cliArgs: ['-p', '2'],
    jobFile: '-odd-name.ts',
    jobArgs: ['--x'],
  });
});

test('without a job file all arguments are the CLI\'s', () => {
  assert.deepEqual(splitProgramArguments(['-p', '2', '-d'], runFlags), { cliArgs: ['-p', '2', '-d'], jobFile: undefined, jobArgs: [] });
});

test("the bin inserts -- before the job file so oclif leaves a job's --help alone", () => {
  assert.deepEqual(protectProgramArguments(['run', '-p', '2', 'job.ts', '--help']), ['run', '-p', '2', '--', 'job.ts', '--help']);
  assert.deepEqual(protectProgramArguments(['info', 'job.ts']), ['info', '--', 'job.ts']);
});

test('the bin leaves other command lines unchanged', () => {
  assert.deepEqual(protectProgramArguments(['run', '--help']), ['run', '--help']);
  assert.deepEqual(protectProgramArguments(['--version']), ['--version']);
  assert.deepEqual(protectProgramArguments(['help', 'run']), ['help', 'run']);
  assert.deepEqual(protectProgramArguments([]), []);
});

test('-s takes the savepoint path as its value; -n takes none', () => {
  assert.deepEqual(splitProgramArguments(['-s', '/sp/savepoint-1', '-n', 'job.ts', '-s', 'x'], runFlags), {
    cliArgs: ['-s', '/sp/savepoint-1', '-n'],
    jobFile: 'job.ts',
    jobArgs: ['-s', 'x'],
  });
  assert.equal(splitProgramArguments(['--fromSavepoint', '/sp', '--allowNonRestoredState', 'job.ts'], runFlags).jobFile, 'job.ts');
});
