/** Checkpoint locations: paths and file:// URIs are local paths; other file system schemes are refused with the key named. */
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { checkpointDirectory, localPath, newSavepointDirectory } from '../../../src/runtime/checkpoint/checkpoint-storage.js';

test('file:// URIs and plain paths become absolute local paths', () => {
  assert.equal(localPath('file:///data/checkpoints', 'execution.checkpointing.dir'), '/data/checkpoints');
  assert.equal(localPath('/data/checkpoints', 'execution.checkpointing.dir'), '/data/checkpoints');
  assert.equal(localPath('relative/dir', 'execution.checkpointing.dir'), resolve('relative/dir'));
});

test('other schemes are refused, naming the key and the scheme', () => {
  assert.throws(() => localPath('hdfs://namenode:8020/flink/checkpoints', 'execution.checkpointing.dir'), /execution\.checkpointing\.dir 'hdfs:\/\/namenode:8020\/flink\/checkpoints' uses the file system scheme 'hdfs:\/\/'/);
  assert.throws(() => localPath('s3://bucket/savepoints', 'The savepoint directory'), /The savepoint directory 's3:\/\/bucket\/savepoints' uses the file system scheme 's3:\/\/'/);
});

test("Flink's layout: <dir>/<jobId>/chk-<n> and <dir>/savepoint-<6 of job id>-<12 hex>", () => {
  const jobId = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
  assert.equal(checkpointDirectory('/data/cp', jobId, 7), `/data/cp/${jobId}/chk-7`);
  assert.match(newSavepointDirectory('/data/sp', jobId), /^\/data\/sp\/savepoint-a1b2c3-[0-9a-f]{12}$/);
});
