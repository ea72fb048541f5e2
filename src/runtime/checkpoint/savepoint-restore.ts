import type { JobGraph, JobVertex } from '../jobgraph/job-graph.js';
import type { OperatorRestore, TaskRestore } from './checkpoint-metadata.js';
import type { CompletedCheckpoint } from './completed-checkpoint.js';
import { loadMetadata } from './checkpoint-storage.js';
import { operatorRestoreFor } from './state-assignment.js';
import { FlinkTsError } from '../../core/errors.js';

/**
 * Loads a savepoint or retained checkpoint for a job started with `-s`, and checks that the job
 * can take its state (Flink's rules): every operator with state in the snapshot must exist in
 * the new job, matched by operator id (which a uid fixes), unless non-restored state is allowed
 * (`-n`); the max parallelism of each matched operator must be unchanged. Operators new to the
 * job start empty.
 */
export async function loadSavepointForRestore(path: string, jobGraph: JobGraph, allowNonRestoredState: boolean): Promise<CompletedCheckpoint> {
  const { metadata, directory } = await loadMetadata(path);
  const operators = new Map<string, JobVertex>();
  for (const v of jobGraph.vertices) for (const o of v.operators) operators.set(o.operatorId, v);
  for (const entry of metadata.operators) {
    const vertex = operators.get(entry.operatorId);
    const hasState = entry.subtasks.some((s) => s.keyed !== undefined || s.operator !== undefined);
    if (vertex === undefined) {
      if (hasState && !allowNonRestoredState) {
        throw new FlinkTsError(
          'ERR_SAVEPOINT_RESTORE',
          `Failed to rollback to checkpoint/savepoint ${directory}. Cannot map checkpoint/savepoint state for operator ${entry.operatorId} ('${entry.name}') to the new program, because the operator is not available in the new program. If you want to allow to skip this, you can set the --allowNonRestoredState option on the CLI.`,
        );
      }
      continue;
    }
    if (vertex.maxParallelism !== entry.maxParallelism) {
      throw new FlinkTsError(
        'ERR_SAVEPOINT_RESTORE',
        `Failed to rollback to checkpoint/savepoint ${directory}. The max parallelism ${vertex.maxParallelism} of operator '${entry.name}' (${entry.operatorId}) differs from the max parallelism ${entry.maxParallelism} its state was written with; keyed state cannot be redistributed. Set the operator's max parallelism back to ${entry.maxParallelism}.`,
      );
    }
  }
  return { metadata, directory, isSavepoint: metadata.type === 'SAVEPOINT' };
}

/** Per subtask of `vertex`, what it restores from `checkpoint`; undefined for subtasks with nothing to restore. */
export function taskRestoreOf(checkpoint: CompletedCheckpoint, vertex: JobVertex): (TaskRestore | undefined)[] {
  const perOperator = new Map<string, OperatorRestore[]>();
  for (const op of vertex.operators) {
    const entry = checkpoint.metadata.operators.find((e) => e.operatorId === op.operatorId);
    if (entry !== undefined) perOperator.set(op.operatorId, operatorRestoreFor(entry, vertex.parallelism, vertex.maxParallelism));
  }
  if (perOperator.size === 0) return Array.from({ length: vertex.parallelism }, () => undefined);
  return Array.from({ length: vertex.parallelism }, (_, subtask) => {
    const operators: Record<string, OperatorRestore> = {};
    for (const [operatorId, restores] of perOperator) operators[operatorId] = restores[subtask] as OperatorRestore;
    return { checkpointId: checkpoint.metadata.checkpointId, baseDir: checkpoint.directory, operators };
  });
}
