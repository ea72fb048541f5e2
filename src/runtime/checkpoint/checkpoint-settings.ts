import type { Configuration } from '../../config/index.js';
import type { CheckpointConfigInfo } from './checkpoint-stats.js';
import {
  CHECKPOINT_STORAGE,
  CHECKPOINTING_INTERVAL,
  CHECKPOINTING_MODE,
  CHECKPOINTING_TIMEOUT,
  CHECKPOINTS_AFTER_TASKS_FINISH,
  CHECKPOINTS_DIRECTORY,
  ENABLE_UNALIGNED,
  EXTERNALIZED_CHECKPOINT_RETENTION,
  FS_SMALL_FILE_THRESHOLD,
  MAX_CONCURRENT_CHECKPOINTS,
  MAX_RETAINED_CHECKPOINTS,
  MIN_PAUSE_BETWEEN_CHECKPOINTS,
  SAVEPOINT_DIRECTORY,
  STATE_BACKEND,
  TOLERABLE_FAILED_CHECKPOINTS,
} from '../../config/index.js';
import { FlinkTsError } from '../../core/errors.js';
import { localPath } from './checkpoint-storage.js';

function optionalLocalPath(path: string | undefined, key: string): string | undefined {
  return path === undefined ? undefined : localPath(path, key);
}

/** A job's checkpointing configuration, resolved from the cluster's and the job's settings. */
export interface CheckpointSettings extends CheckpointConfigInfo {
  readonly numRetained: number;
  /** Bytes: state below this is inlined into `_metadata`. */
  readonly inlineThreshold: number;
}

export function checkpointSettingsFrom(config: Configuration): CheckpointSettings {
  const checkpointDir = config.get(CHECKPOINTS_DIRECTORY);
  const storage = config.get(CHECKPOINT_STORAGE) ?? (checkpointDir === undefined ? 'jobmanager' : 'filesystem');
  if (storage === 'filesystem' && checkpointDir === undefined) {
    throw new FlinkTsError(
      'ERR_CONFIG',
      "execution.checkpointing.storage is 'filesystem' but no checkpoint directory is set: set execution.checkpointing.dir.",
    );
  }
  const backend = config.get(STATE_BACKEND);
  if (backend !== 'hashmap') {
    throw new FlinkTsError('ERR_CONFIG', `Unsupported state.backend.type '${backend}': flink-ts has the 'hashmap' backend (in memory, snapshotted to checkpoint storage).`);
  }
  return {
    mode: config.get(CHECKPOINTING_MODE),
    interval: config.get(CHECKPOINTING_INTERVAL),
    timeout: config.get(CHECKPOINTING_TIMEOUT),
    minPause: config.get(MIN_PAUSE_BETWEEN_CHECKPOINTS),
    maxConcurrent: config.get(MAX_CONCURRENT_CHECKPOINTS),
    tolerableFailedCheckpoints: config.get(TOLERABLE_FAILED_CHECKPOINTS),
    externalizedRetention: config.get(EXTERNALIZED_CHECKPOINT_RETENTION),
    stateBackend: backend,
    checkpointStorage: storage,
    checkpointDir: storage === 'filesystem' && checkpointDir !== undefined ? localPath(checkpointDir, CHECKPOINTS_DIRECTORY.key) : undefined,
    savepointDir: optionalLocalPath(config.get(SAVEPOINT_DIRECTORY), SAVEPOINT_DIRECTORY.key),
    unalignedCheckpoints: config.get(ENABLE_UNALIGNED),
    checkpointsAfterTasksFinish: config.get(CHECKPOINTS_AFTER_TASKS_FINISH),
    numRetained: config.get(MAX_RETAINED_CHECKPOINTS),
    inlineThreshold: config.get(FS_SMALL_FILE_THRESHOLD),
  };
}
