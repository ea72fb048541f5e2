import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { JobGraph, JobVertex } from '../../../src/runtime/jobgraph/job-graph.js';
import type { CheckpointMetadata, OperatorStateEntry } from '../../../src/runtime/checkpoint/checkpoint-metadata.js';
import { loadMetadata, writeMetadata } from '../../../src/runtime/checkpoint/checkpoint-storage.js';
import { loadSavepointForRestore } from '../../../src/runtime/checkpoint/savepoint-restore.js';
import { tempDir } from './coordinator-support.js';

const STATEFUL: OperatorStateEntry = {
  operatorId: 'op-sum',
  name: 'Sum',
  parallelism: 2,
  maxParallelism: 128,
  subtasks: [
    { subtask: 0, keyed: { handle: { inline: 'AAA=', size: 3 }, keyGroupRange: [0, 63] } },
    { subtask: 1, keyed: { handle: { inline: 'AAA=', size: 3 }, keyGroupRange: [64, 127] } },
  ],
};
const STATELESS: OperatorStateEntry = { operatorId: 'op-map', name: 'Map', parallelism: 2, maxParallelism: 128, subtasks: [{ subtask: 0 }, { subtask: 1 }] };

function metadata(operators: readonly OperatorStateEntry[], type: CheckpointMetadata['type'] = 'SAVEPOINT'): CheckpointMetadata {
  return { version: 1, jobId: 'abcdef0123456789abcdef0123456789', checkpointId: 9, timestamp: 1, type, operators };
}

/** Only the fields loadSavepointForRestore reads. */
function jobGraph(vertices: readonly { operators: readonly string[]; maxParallelism: number }[]): JobGraph {
  return {
    vertices: vertices.map(
      (v, i) =>
        ({
          id: `v${i}`,
          name: `vertex ${i}`,
          parallelism: 2,
          maxParallelism: v.maxParallelism,
          operators: v.operators.map((operatorId, n) => ({ streamNodeId: n, operatorId, name: operatorId, chainedOutputs: [], nonChainedOutputs: [] })),
          inputs: [],
          producedDataSets: [],
        }) as unknown as JobVertex,
    ),
  } as unknown as JobGraph;
}

async function savepointAt(dir: string, operators: readonly OperatorStateEntry[], type: CheckpointMetadata['type'] = 'SAVEPOINT'): Promise<string> {
  const path = join(dir, 'savepoint-abcdef-0123456789ab');
  await writeMetadata(path, metadata(operators, type));
  return path;
}

test('loadMetadata: a missing path is reported as such', async (t) => {
  const dir = await tempDir(t);
  const missing = join(dir, 'nope');
  await assert.rejects(loadMetadata(missing), (e: Error) => {
    assert.match(e.message, /Cannot find a savepoint or checkpoint at/);
    assert.ok(e.message.includes(missing));
    assert.match(e.message, /does not exist/);
    return true;
  });
});

test('loadMetadata: a directory without _metadata is not a completed snapshot', async (t) => {
  const dir = await tempDir(t);
  const empty = join(dir, 'empty');
  await mkdir(empty);
  await assert.rejects(loadMetadata(empty), (e: Error) => {
    assert.ok(e.message.includes(`${empty} is not a completed savepoint or checkpoint: it has no _metadata file.`), e.message);
    assert.doesNotMatch(e.message, /It holds checkpoint directories/);
    return true;
  });
});

test('loadMetadata: a job\'s checkpoint directory names its chk- subdirectory to pass instead', async (t) => {
  const dir = await tempDir(t);
  const jobDir = join(dir, 'abcdef0123456789abcdef0123456789');
  await writeMetadata(join(jobDir, 'chk-4'), metadata([STATEFUL], 'CHECKPOINT'));
  await mkdir(join(jobDir, 'shared'));
  await assert.rejects(loadMetadata(jobDir), (e: Error) => {
    assert.match(e.message, /it has no _metadata file/);
    assert.ok(e.message.includes(`It holds checkpoint directories: pass one of them, e.g. ${join(jobDir, 'chk-4')}.`), e.message);
    return true;
  });
});

test('loadMetadata: metadata that is not JSON, or not of the known version, is rejected', async (t) => {
  const dir = await tempDir(t);
  const garbage = join(dir, 'garbage');
  await mkdir(garbage);
  await writeFile(join(garbage, '_metadata'), '\u0000\u0001binary Flink metadata');
  await assert.rejects(loadMetadata(garbage), /_metadata is not flink-ts checkpoint metadata \(it is not JSON\)/);

  const other = join(dir, 'other');
  await mkdir(other);
  await writeFile(join(other, '_metadata'), JSON.stringify({ version: 99, operators: [] }));
  await assert.rejects(loadMetadata(other), /is not flink-ts checkpoint metadata of version 1/);

  await writeFile(join(other, '_metadata'), 'null');
  await assert.rejects(loadMetadata(other), /is not flink-ts checkpoint metadata of version 1/);
});

test('loadMetadata: the directory and its _metadata file both work, and give the same base directory', async (t) => {
  const dir = await tempDir(t);
  const path = await savepointAt(dir, [STATEFUL]);
  const byDir = await loadMetadata(path);
  const byFile = await loadMetadata(join(path, '_metadata'));
  assert.equal(byDir.directory, path);
  assert.equal(byFile.directory, path);
  assert.deepEqual(byFile.metadata, byDir.metadata);
  assert.equal(byDir.metadata.checkpointId, 9);
});

test('loadSavepointForRestore: matching operators restore; the _metadata path works like the directory', async (t) => {
  const dir = await tempDir(t);
  const path = await savepointAt(dir, [STATEFUL, STATELESS]);
  const graph = jobGraph([{ operators: ['op-map', 'op-sum'], maxParallelism: 128 }]);
  for (const p of [path, join(path, '_metadata')]) {
    const restored = await loadSavepointForRestore(p, graph, false);
    assert.equal(restored.directory, path);
    assert.equal(restored.isSavepoint, true);
    assert.equal(restored.metadata.checkpointId, 9);
  }
  const checkpoint = await savepointAt(join(dir, 'c'), [STATEFUL], 'CHECKPOINT');
  assert.equal((await loadSavepointForRestore(checkpoint, graph, false)).isSavepoint, false);
});

test('loadSavepointForRestore: state of an operator missing from the job fails unless allowNonRestoredState', async (t) => {
  const dir = await tempDir(t);
  const path = await savepointAt(dir, [STATEFUL, STATELESS]);
  const graph = jobGraph([{ operators: ['op-map', 'op-new'], maxParallelism: 128 }]);
  await assert.rejects(loadSavepointForRestore(path, graph, false), (e: Error) => {
    assert.match(e.message, /Cannot map checkpoint\/savepoint state for operator op-sum \('Sum'\) to the new program/);
    assert.match(e.message, /--allowNonRestoredState/);
    assert.ok(e.message.includes(path));
    return true;
  });
  const restored = await loadSavepointForRestore(path, graph, true);
  assert.equal(restored.metadata.operators.length, 2);
});

test('loadSavepointForRestore: an operator without state may be missing from the job', async (t) => {
  const dir = await tempDir(t);
  const finishedOnly: OperatorStateEntry = { ...STATELESS, operatorId: 'op-gone', subtasks: [{ subtask: 0, finished: true }] };
  const path = await savepointAt(dir, [STATEFUL, STATELESS, finishedOnly]);
  const graph = jobGraph([{ operators: ['op-sum'], maxParallelism: 128 }]);
  const restored = await loadSavepointForRestore(path, graph, false);
  assert.equal(restored.metadata.checkpointId, 9);
});

test('loadSavepointForRestore: a changed max parallelism fails, naming both values', async (t) => {
  const dir = await tempDir(t);
  const path = await savepointAt(dir, [STATEFUL]);
  const graph = jobGraph([{ operators: ['op-sum'], maxParallelism: 256 }]);
  for (const allow of [false, true]) {
    await assert.rejects(loadSavepointForRestore(path, graph, allow), (e: Error) => {
      assert.match(e.message, /The max parallelism 256 of operator 'Sum' \(op-sum\) differs from the max parallelism 128/);
      assert.match(e.message, /back to 128/);
      return true;
    });
  }
});

test('loadSavepointForRestore: a missing path and a directory without _metadata are reported', async (t) => {
  const dir = await tempDir(t);
  const graph = jobGraph([{ operators: ['op-sum'], maxParallelism: 128 }]);
  await assert.rejects(loadSavepointForRestore(join(dir, 'missing'), graph, false), /does not exist/);
  await mkdir(join(dir, 'job', 'chk-2'), { recursive: true });
  await writeMetadata(join(dir, 'job', 'chk-3'), metadata([STATEFUL], 'CHECKPOINT'));
  await assert.rejects(loadSavepointForRestore(join(dir, 'job'), graph, false), (e: Error) => {
    assert.match(e.message, /it has no _metadata file/);
    assert.match(e.message, /chk-\d/);
    return true;
  });
});

test('loadMetadata: the hint names the newest checkpoint directory (chk-10, not chk-9)', async (t) => {
  const dir = await tempDir(t);
  const jobDir = join(dir, 'job');
  await writeMetadata(join(jobDir, 'chk-9'), metadata([STATEFUL], 'CHECKPOINT'));
  await writeMetadata(join(jobDir, 'chk-10'), metadata([STATEFUL], 'CHECKPOINT'));
  await assert.rejects(loadMetadata(jobDir), (e: Error) => {
    assert.ok(e.message.includes(`e.g. ${join(jobDir, 'chk-10')}.`), e.message);
    return true;
  });
});
