import type { EnvironmentDefaults } from '../api/environment/execution-context.js';
import type { Configuration } from '../config/index.js';
import {
  AUTO_WATERMARK_INTERVAL,
  BUFFER_TIMEOUT_ENABLED,
  BUFFER_TIMEOUT_INTERVAL,
  MAX_PARALLELISM,
  OPERATOR_CHAINING,
  OPERATOR_CHAINING_WITH_DIFFERENT_MAX_PARALLELISM,
  PARALLELISM_DEFAULT,
  RUNTIME_MODE,
} from '../config/index.js';

/**
 * The values a job's StreamExecutionEnvironment starts from, read from the client's configuration
 * (Flink's `StreamExecutionEnvironment.configure`). They travel with the job (ProgramInfo) so that
 * slot workers re-running the module build the very same graph.
 */
export function environmentDefaultsFrom(config: Configuration): EnvironmentDefaults {
  const maxParallelism = config.get(MAX_PARALLELISM);
  return {
    parallelism: config.get(PARALLELISM_DEFAULT),
    // -1 is Flink's "derive it from the parallelism", which the environment spells undefined.
    maxParallelism: maxParallelism === -1 ? undefined : maxParallelism,
    runtimeMode: config.get(RUNTIME_MODE),
    // Flink's ExecutionOptions: a disabled buffer timeout means "flush only full buffers", i.e. -1.
    bufferTimeout: config.get(BUFFER_TIMEOUT_ENABLED) ? config.get(BUFFER_TIMEOUT_INTERVAL) : -1,
    chainingEnabled: config.get(OPERATOR_CHAINING),
    chainOperatorsWithDifferentMaxParallelism: config.get(OPERATOR_CHAINING_WITH_DIFFERENT_MAX_PARALLELISM),
    autoWatermarkInterval: config.get(AUTO_WATERMARK_INTERVAL),
  };
}
