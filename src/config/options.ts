/**
 * Registry of every configuration option flink-ts understands. Keys and defaults are Flink's, so a Flink user's
 * `config.yaml` carries over; groups mirror Flink's option classes so readers can map one to the other.
 */
import {
  booleanOption,
  durationOption,
  enumOption,
  intOption,
  listOption,
  memoryOption,
  numberOption,
  stringOption,
} from './config-option.js';
import type { ConfigOption } from './config-option.js';

const PORT = { min: 0, max: 65535 } as const;

// ---------------------------------------------------------------------------------------------- CoreOptions

export const PARALLELISM_DEFAULT = intOption(
  'parallelism.default',
  1,
  'Parallelism of jobs and operators that do not set their own.',
  { min: 1 },
);
export const TMP_DIRS = listOption(
  'io.tmp.dirs',
  undefined,
  'Directories for temporary files such as spilled data and uploaded artifacts; the OS temp directory when unset.',
);
export const PID_DIR = stringOption('env.pid.dir', '/tmp', 'Directory where the daemon scripts keep pid files.');
export const LOG_DIR = stringOption(
  'env.log.dir',
  undefined,
  'Directory for process log files; the `log` directory of the installation when unset.',
);
export const LOG_MAX = intOption('env.log.max', 10, 'Number of rotated log files kept per process.', { min: 0 });
export const LOG_LEVEL = enumOption(
  'env.log.level',
  ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const,
  'INFO',
  'Lowest level written to the log files of JobManager and TaskManager processes.',
);

// ------------------------------------------------------------------------------------------ PipelineOptions

export const PIPELINE_NAME = stringOption(
  'pipeline.name',
  undefined,
  'Job name shown in the REST API and logs; derived from the program when unset.',
);
export const MAX_PARALLELISM = intOption(
  'pipeline.max-parallelism',
  -1,
  'Upper bound for rescaling a job, i.e. its number of key groups; -1 derives it from the parallelism.',
  { min: -1, max: 32768 },
);
export const OPERATOR_CHAINING = booleanOption(
  'pipeline.operator-chaining.enabled',
  true,
  'Whether operators that can run in one task are chained together to avoid serialization between them.',
  { deprecatedKeys: ['pipeline.operator-chaining'] },
);
export const OPERATOR_CHAINING_WITH_DIFFERENT_MAX_PARALLELISM = booleanOption(
  'pipeline.operator-chaining.chain-operators-with-different-max-parallelism',
  true,
  'Whether operators whose max parallelism differs may still be chained.',
);
export const AUTO_WATERMARK_INTERVAL = durationOption(
  'pipeline.auto-watermark-interval',
  '200 ms',
  'Interval at which periodic watermark generators emit watermarks; 0 disables periodic emission.',
);
export const OBJECT_REUSE = booleanOption(
  'pipeline.object-reuse',
  false,
  'Whether records are handed between chained operators without a defensive copy.',
);
/** Keys under this prefix are user job parameters: accepted as free-form strings and passed through. */
export const GLOBAL_JOB_PARAMETERS_PREFIX = 'pipeline.global-job-parameters.';

// ----------------------------------------------------------------------------------------- ExecutionOptions

export const RUNTIME_MODE = enumOption(
  'execution.runtime-mode',
  ['STREAMING', 'BATCH', 'AUTOMATIC'],
  'STREAMING',
  'Whether jobs run with streaming or batch semantics; AUTOMATIC picks BATCH when all sources are bounded.',
);
export const BUFFER_TIMEOUT_ENABLED = booleanOption(
  'execution.buffer-timeout.enabled',
  true,
  'Whether partially filled output buffers are flushed periodically; when false they are sent only when full.',
);
export const BUFFER_TIMEOUT_INTERVAL = durationOption(
  'execution.buffer-timeout.interval',
  '100 ms',
  'Longest time an output buffer waits before it is flushed; 0 flushes after every record.',
  { deprecatedKeys: ['execution.buffer-timeout'] },
);

// ---------------------------------------------------------------------------------------- DeploymentOptions

export const EXECUTION_TARGET = stringOption(
  'execution.target',
  'local',
  'Where submitted jobs run: local (in-process cluster) or remote (an existing cluster reached via REST).',
);
export const EXECUTION_ATTACHED = booleanOption(
  'execution.attached',
  false,
  'Whether the client waits for the job result instead of returning after submission.',
);
export const SHUTDOWN_IF_ATTACHED = booleanOption(
  'execution.shutdown-on-attached-exit',
  false,
  'Whether an attached job is cancelled when the client that submitted it exits.',
);
export const SHUTDOWN_ON_APPLICATION_FINISH = booleanOption(
  'execution.shutdown-on-application-finish',
  true,
  'Whether an application cluster shuts down once its application finishes, successfully or not.',
);
export const SUBMIT_FAILED_JOB_ON_APPLICATION_ERROR = booleanOption(
  'execution.submit-failed-job-on-application-error',
  false,
  'Whether application mode records a FAILED job when the program fails before submitting one.',
);
/** Keys under this prefix are set by flink-ts itself (e.g. the conf dir) and passed through as strings. */
export const INTERNAL_PREFIX = '$internal.';

// -------------------------------------------------------------------------------------------- ClientOptions

export const CLIENT_TIMEOUT = durationOption(
  'client.timeout',
  '1 min',
  'Timeout of client calls to the cluster, such as job submission.',
);
export const CLIENT_RETRY_PERIOD = durationOption(
  'client.retry-period',
  '2 s',
  'Delay between client retries of a failed call to the cluster.',
);
export const CLIENT_HEARTBEAT_INTERVAL = durationOption(
  'client.heartbeat.interval',
  '30 s',
  'Interval at which an attached client reports to the cluster that it is still alive.',
);
export const CLIENT_HEARTBEAT_TIMEOUT = durationOption(
  'client.heartbeat.timeout',
  '3 min',
  'Time without client heartbeat after which a job submitted with shutdown-on-attached-exit is cancelled.',
);

// ---------------------------------------------------------------------------------------- JobManagerOptions

export const JOB_MANAGER_RPC_ADDRESS = stringOption(
  'jobmanager.rpc.address',
  undefined,
  'Address at which TaskManagers and clients reach the JobManager when high availability is off.',
);
export const JOB_MANAGER_RPC_PORT = intOption(
  'jobmanager.rpc.port',
  6123,
  'Port of the JobManager RPC endpoint.',
  PORT,
);
export const JOB_MANAGER_RPC_BIND_PORT = intOption(
  'jobmanager.rpc.bind-port',
  undefined,
  'Local port the JobManager RPC endpoint binds to when it differs from the advertised port (e.g. behind NAT).',
  PORT,
);
export const JOB_MANAGER_BIND_HOST = stringOption(
  'jobmanager.bind-host',
  undefined,
  'Local address the JobManager binds its endpoints to; all interfaces when unset.',
);
export const JOB_MANAGER_PROCESS_SIZE = memoryOption(
  'jobmanager.memory.process.size',
  '1600m',
  'Total memory of the JobManager process.',
);
export const FAILOVER_STRATEGY = enumOption(
  'jobmanager.execution.failover-strategy',
  ['full', 'region'],
  'region',
  'Which tasks restart after a task failure: all of them (full) or only the affected pipelined regions (region).',
);
export const JOB_MANAGER_ARCHIVE_DIR = stringOption(
  'jobmanager.archive.fs.dir',
  undefined,
  'Directory where finished jobs are archived for the HistoryServer; no archiving when unset.',
);

// --------------------------------------------------------------------------------------- TaskManagerOptions

export const NUM_TASK_SLOTS = intOption(
  'taskmanager.numberOfTaskSlots',
  1,
  'Number of task slots each TaskManager offers, i.e. how many parallel pipelines it runs.',
  { min: 1 },
);
export const TASK_MANAGER_HOST = stringOption(
  'taskmanager.host',
  undefined,
  'Address under which other processes reach this TaskManager; detected when unset.',
);
export const TASK_MANAGER_RESOURCE_ID = stringOption(
  'taskmanager.resource-id',
  undefined,
  'The TaskManager\'s ResourceID; generated from the host and a random suffix when unset.',
);
export const TASK_MANAGER_BIND_HOST = stringOption(
  'taskmanager.bind-host',
  undefined,
  'Local address the TaskManager binds its endpoints to; all interfaces when unset.',
);
export const TASK_MANAGER_RPC_PORT = stringOption(
  'taskmanager.rpc.port',
  '0',
  'Port or port range (e.g. 50100-50200) of the TaskManager RPC endpoint; 0 picks a free port.',
);
export const TASK_MANAGER_RPC_BIND_PORT = intOption(
  'taskmanager.rpc.bind-port',
  undefined,
  'Local port the TaskManager RPC endpoint binds to when it differs from the advertised port.',
  PORT,
);
export const TASK_MANAGER_REGISTRATION_TIMEOUT = durationOption(
  'taskmanager.registration.timeout',
  '5 min',
  'Time after which a TaskManager that could not register with the ResourceManager shuts down.',
);
export const TASK_MANAGER_PROCESS_SIZE = memoryOption(
  'taskmanager.memory.process.size',
  '1728m',
  'Total memory of the TaskManager process.',
);
export const TASK_MANAGER_FLINK_SIZE = memoryOption(
  'taskmanager.memory.flink.size',
  undefined,
  'Memory the TaskManager uses for the framework, tasks, managed memory and network buffers; derived when unset.',
);
export const TASK_HEAP_SIZE = memoryOption(
  'taskmanager.memory.task.heap.size',
  undefined,
  'Heap memory reserved for user code in tasks; derived from the process size when unset.',
);
export const MANAGED_MEMORY_SIZE = memoryOption(
  'taskmanager.memory.managed.size',
  undefined,
  'Managed memory for sorting, caching and state backends; derived from the managed fraction when unset.',
);
export const MANAGED_MEMORY_FRACTION = numberOption(
  'taskmanager.memory.managed.fraction',
  0.4,
  'Fraction of the TaskManager memory used as managed memory when its size is not set.',
  { min: 0, max: 1 },
);
export const NETWORK_MEMORY_FRACTION = numberOption(
  'taskmanager.memory.network.fraction',
  0.1,
  'Fraction of the TaskManager memory used for network buffers, bounded by the network min and max.',
  { min: 0, max: 1 },
);
export const NETWORK_MEMORY_MIN = memoryOption(
  'taskmanager.memory.network.min',
  '64 mb',
  'Lower bound of the TaskManager memory used for network buffers.',
);
export const NETWORK_MEMORY_MAX = memoryOption(
  'taskmanager.memory.network.max',
  undefined,
  'Upper bound of the TaskManager memory used for network buffers; unbounded when unset.',
);
export const SEGMENT_SIZE = memoryOption(
  'taskmanager.memory.segment-size',
  '32kb',
  'Size of one memory segment, which is also the size of one network buffer.',
);

// ---------------------------------------------------------------------- NettyShuffleEnvironmentOptions (network)

export const DATA_PORT = intOption(
  'taskmanager.data.port',
  0,
  'Port of the TaskManager data (shuffle) server; 0 picks a free port.',
  PORT,
);
export const BUFFERS_PER_CHANNEL = intOption(
  'taskmanager.network.memory.buffers-per-channel',
  2,
  'Exclusive buffers each remote input channel owns; its initial credit in credit-based flow control.',
  { min: 0 },
);
export const FLOATING_BUFFERS_PER_GATE = intOption(
  'taskmanager.network.memory.floating-buffers-per-gate',
  8,
  'Buffers each input gate shares among its channels to absorb uneven load.',
  { min: 0 },
);
export const MAX_BUFFERS_PER_CHANNEL = intOption(
  'taskmanager.network.memory.max-buffers-per-channel',
  10,
  'Buffers one output subpartition may hold before its task counts as backpressured.',
  { min: 1 },
);
export const MAX_OVERDRAFT_BUFFERS_PER_GATE = intOption(
  'taskmanager.network.memory.max-overdraft-buffers-per-gate',
  5,
  'Extra buffers a backpressured task may borrow to finish writing a record it already started.',
  { min: 0 },
);
export const NETWORK_REQUEST_BACKOFF_INITIAL = durationOption(
  'taskmanager.network.request-backoff.initial',
  '100 ms',
  'First wait before re-requesting a partition whose producer is not yet available.',
);
export const NETWORK_REQUEST_BACKOFF_MAX = durationOption(
  'taskmanager.network.request-backoff.max',
  '10000 ms',
  'Longest wait between partition re-requests; the wait doubles from the initial value up to this.',
);
export const PARTITION_REQUEST_TIMEOUT = durationOption(
  'taskmanager.network.partition-request-timeout',
  '10 s',
  'How long a partition request waits for its producer to be deployed before the consumer fails.',
);

// ---------------------------------------------------------------------------------------------- RestOptions

export const REST_ADDRESS = stringOption(
  'rest.address',
  undefined,
  'Address clients use to reach the REST endpoint.',
);
export const REST_PORT = intOption(
  'rest.port',
  8081,
  'Port clients use to reach the REST endpoint; the server binds it too unless rest.bind-port is set.',
  PORT,
);
export const REST_BIND_ADDRESS = stringOption(
  'rest.bind-address',
  undefined,
  'Local address the REST server binds to; all interfaces when unset.',
);
export const REST_BIND_PORT = stringOption(
  'rest.bind-port',
  undefined,
  'Port or port range (e.g. 50100-50200) the REST server binds to; rest.port when unset.',
);
export const REST_SERVER_MAX_CONTENT_LENGTH = intOption(
  'rest.server.max-content-length',
  104857600,
  'Largest request body, in bytes, the REST server accepts.',
  { min: 1 },
);
export const REST_CLIENT_MAX_CONTENT_LENGTH = intOption(
  'rest.client.max-content-length',
  104857600,
  'Largest response body, in bytes, the REST client accepts.',
  { min: 1 },
);
export const REST_ASYNC_STORE_DURATION = durationOption(
  'rest.async.store-duration',
  '5 min',
  'How long the result of an asynchronous REST operation (e.g. a savepoint) stays retrievable after completion.',
);
export const REST_AWAIT_LEADER_TIMEOUT = durationOption(
  'rest.await-leader-timeout',
  '30 s',
  'How long the REST client waits for the address of the cluster leader before failing.',
);
export const REST_RETRY_MAX_ATTEMPTS = intOption(
  'rest.retry.max-attempts',
  20,
  'How often the REST client retries a request that failed with a retryable error.',
  { min: 0 },
);
export const REST_RETRY_DELAY = durationOption('rest.retry.delay', '3 s', 'Delay between REST client retries.');
export const REST_CONNECTION_TIMEOUT = durationOption(
  'rest.connection-timeout',
  '15 s',
  'Timeout for the REST client to establish a connection.',
);
export const REST_IDLENESS_TIMEOUT = durationOption(
  'rest.idleness-timeout',
  '5 min',
  'Time after which an idle REST connection is closed.',
);

// ----------------------------------------------------------------------------------------------- WebOptions

export const WEB_SUBMIT_ENABLE = booleanOption(
  'web.submit.enable',
  true,
  'Whether jobs may be uploaded and submitted through the REST API.',
);
export const WEB_CANCEL_ENABLE = booleanOption(
  'web.cancel.enable',
  true,
  'Whether jobs may be cancelled through the REST API.',
);
export const WEB_UPLOAD_DIR = stringOption(
  'web.upload.dir',
  undefined,
  'Directory for uploaded job artifacts; a temporary directory when unset.',
);

// ----------------------------------------------------------------------------- ClusterOptions and heartbeats

export const HEARTBEAT_INTERVAL = durationOption(
  'heartbeat.interval',
  '10 s',
  'Interval at which heartbeat requests are sent between cluster components.',
);
export const HEARTBEAT_TIMEOUT = durationOption(
  'heartbeat.timeout',
  '50 s',
  'Time without heartbeat after which a cluster component is considered dead.',
);
export const HEARTBEAT_RPC_FAILURE_THRESHOLD = intOption(
  'heartbeat.rpc-failure-threshold',
  2,
  'Consecutive failed heartbeat calls after which the target is considered unreachable; -1 disables the check.',
  { min: -1 },
);
export const INITIAL_REGISTRATION_TIMEOUT = durationOption(
  'cluster.registration.initial-timeout',
  '100 ms',
  'Timeout of the first registration attempt with a leader; doubled on every retry up to the maximum.',
);
export const MAX_REGISTRATION_TIMEOUT = durationOption(
  'cluster.registration.max-timeout',
  '30 s',
  'Largest timeout of a registration attempt with a leader.',
);
export const REFUSED_REGISTRATION_DELAY = durationOption(
  'cluster.registration.refused-registration-delay',
  '30 s',
  'Pause before retrying a registration the leader refused.',
);
export const ERROR_REGISTRATION_DELAY = durationOption(
  'cluster.registration.error-delay',
  '10 s',
  'Pause before retrying a registration that failed with an error.',
);
export const EVENLY_SPREAD_OUT_SLOTS = booleanOption(
  'cluster.evenly-spread-out-slots',
  false,
  'Whether slots are taken from all TaskManagers evenly instead of filling one TaskManager first.',
);
export const SLOT_REQUEST_TIMEOUT = durationOption(
  'slot.request.timeout',
  '5 min',
  'Time after which a slot request of a job that is still pending fails.',
);
export const SLOT_IDLE_TIMEOUT = durationOption(
  'slot.idle.timeout',
  '50 s',
  'Time after which a slot the job no longer uses is returned to its TaskManager.',
);
export const JOB_STORE_EXPIRATION_TIME = durationOption(
  'jobstore.expiration-time',
  '3600 s',
  'How long a session cluster keeps the details of finished jobs.',
);
export const ASK_TIMEOUT = durationOption(
  'pekko.ask.timeout',
  '10 s',
  'Timeout of RPC calls between JobManager, TaskManagers and the ResourceManager.',
);
export const TASK_MANAGER_TIMEOUT = durationOption(
  'resourcemanager.taskmanager-timeout',
  '30 s',
  'Time after which an idle TaskManager is released by resource managers that can start new ones.',
);
export const START_WORKER_MAX_FAILURE_RATE = numberOption(
  'resourcemanager.start-worker.max-failure-rate',
  10,
  'Failed TaskManager starts per minute an active ResourceManager tolerates before pausing new starts for the retry interval.',
  { min: 0 },
);
export const START_WORKER_RETRY_INTERVAL = durationOption(
  'resourcemanager.start-worker.retry-interval',
  '3 s',
  'How long an active ResourceManager waits before starting TaskManagers again after too many failed starts.',
);
export const SSH_MAX_TASK_MANAGERS_PER_HOST = intOption(
  'resourcemanager.ssh.max-taskmanagers-per-host',
  4,
  'Most TaskManagers the ssh ResourceManager driver runs on one worker host.',
  { min: 1 },
);
export const TASK_MANAGER_REGISTRATION_DEADLINE = durationOption(
  'resourcemanager.taskmanager-registration.timeout',
  '5 min',
  'Time after which a started TaskManager that never registered is given up and replaced.',
);
export const BLOB_SERVER_PORT = stringOption(
  'blob.server.port',
  '0',
  'Port or port range of the blob server that distributes job artifacts; 0 picks a free port.',
);

// ---------------------------------------------------------------------------------------------- PoolOptions

export const POOL_REDIS_URL = stringOption(
  'pool.redis-url',
  'redis://127.0.0.1:6379',
  'Redis of the resource pool: `redis://[user:password@]host:port[/db]`, or `rediss://` for TLS.',
);
export const POOL_REDIS_PASSWORD = stringOption(
  'pool.redis-password',
  undefined,
  'Password for the pool\'s Redis when it is not in `pool.redis-url`.',
);
export const POOL_REDIS_TLS_CA_FILE = stringOption(
  'pool.redis-tls.ca-file',
  undefined,
  'PEM file of the certificate authority that signed the Redis server\'s certificate (with `rediss://`).',
);
export const POOL_NAME = stringOption(
  'pool.name',
  'default',
  'Name of the pool: its keys live under `flink-ts:pool:<name>:` in Redis, so several pools can share one Redis.',
);
export const POOL_LEASE_TTL = durationOption(
  'pool.lease.ttl',
  '10 s',
  'Time after which a lease whose owner stopped heartbeating expires and its capacity returns to the pool.',
);
export const POOL_HEARTBEAT_INTERVAL = durationOption(
  'pool.heartbeat.interval',
  '1 s',
  'Interval at which agents, JobManagers and attached clients renew their leases.',
);
export const POOL_APPLICATION_ID = stringOption(
  'pool.application.id',
  undefined,
  'Pool application to attach to, as `yarn.application.id` (e.g. `application_1700000000000_0001`).',
);
export const POOL_APPLICATION_NAME = stringOption(
  'pool.application.name',
  undefined,
  'Name of a pool application, shown by `flink-ts pool apps`; defaults to the session or job name.',
);
export const POOL_APPLICATION_QUEUE = stringOption(
  'pool.application.queue',
  'default',
  'Queue a pool application is submitted to, as `yarn.application.queue`.',
);
export const POOL_APPLICATION_NODE_LABEL = stringOption(
  'pool.application.node-label',
  undefined,
  'Label that pool hosts must carry to run the application\'s containers, as `yarn.application.node-label`.',
);
export const POOL_QUEUES_FILE = stringOption(
  'pool.queues-file',
  undefined,
  'Queue definitions that `flink-ts pool queues apply` loads; defaults to `pool-queues.yaml` in the conf dir.',
);
export const POOL_AGENT_SLOTS = intOption(
  'pool.agent.slots',
  undefined,
  'Task slots an agent offers to the pool; defaults to the number of cores of its host.',
  { min: 0 },
);
export const POOL_AGENT_MEMORY = memoryOption(
  'pool.agent.memory',
  undefined,
  'Memory an agent offers to the pool; defaults to 80 % of the memory of its host.',
);
export const POOL_AGENT_LABELS = listOption(
  'pool.agent.labels',
  [],
  'Labels of an agent\'s host, which applications select with `pool.application.node-label`.',
);
export const POOL_AGENT_WORK_DIR = stringOption(
  'pool.agent.work-dir',
  undefined,
  'Directory where an agent keeps the working directories and logs of its containers; defaults to `~/.flink-ts/pool-agent/<host>`.',
);
export const POOL_AGENT_REST_PORT = intOption(
  'pool.agent.rest.port',
  0,
  'Port of the agent\'s REST endpoint that serves container logs; 0 picks a free port.',
  PORT,
);

// ------------------------------------------------------------------------------------------ LauncherOptions

export const SSH_USER = stringOption(
  'launcher.ssh.user',
  undefined,
  'User the launcher logs in as on remote hosts; a `user@` in conf/workers wins, the local user is the default.',
);
export const SSH_PORT = intOption('launcher.ssh.port', 22, 'SSH port of remote hosts; a `:port` in conf/workers wins.', PORT);
export const SSH_IDENTITY_FILE = stringOption(
  'launcher.ssh.identity-file',
  undefined,
  'Private key for SSH logins; without it the ssh-agent (SSH_AUTH_SOCK) and ~/.ssh/id_ed25519, id_ecdsa, id_rsa are tried.',
);
export const SSH_CONNECT_TIMEOUT = durationOption(
  'launcher.ssh.connect-timeout',
  '10 s',
  'How long the launcher waits for an SSH connection and its handshake.',
);
export const SSH_KNOWN_HOSTS = stringOption(
  'launcher.ssh.known-hosts',
  undefined,
  'The known_hosts file the launcher checks host keys against; ~/.ssh/known_hosts by default.',
);
export const SSH_STRICT_HOST_KEY_CHECKING = enumOption(
  'launcher.ssh.strict-host-key-checking',
  ['yes', 'accept-new'] as const,
  'yes',
  'Host key policy: yes requires every host in known_hosts with the key it presents; accept-new adds unknown hosts on first use (changed keys are still refused).',
);
export const SSH_PARALLELISM = intOption(
  'launcher.ssh.parallelism',
  16,
  'Most hosts the launcher talks to at the same time.',
  { min: 1 },
);
export const SHIP_DISTRIBUTION = booleanOption(
  'launcher.ship-distribution',
  false,
  'Copy the built flink-ts distribution (with its node_modules) to every host over SFTP, once per version, instead of requiring it at the same path.',
);
export const REMOTE_INSTALL_DIR = stringOption(
  'launcher.install-dir',
  undefined,
  'Where flink-ts is installed on remote hosts (or shipped to); the local installation path by default.',
);

// ------------------------------------------------------------------------------------------ SecurityOptions

export const CLUSTER_SECRET = stringOption(
  'security.cluster-secret',
  undefined,
  'Shared secret that cluster processes present to each other to authenticate internal connections.',
);

// ------------------------------------------------------------------------------------- CheckpointingOptions

export const CHECKPOINTING_INTERVAL = durationOption(
  'execution.checkpointing.interval',
  undefined,
  'Interval between checkpoint triggers; checkpointing is disabled when unset.',
);
export const CHECKPOINTING_MODE = enumOption(
  'execution.checkpointing.mode',
  ['EXACTLY_ONCE', 'AT_LEAST_ONCE'],
  'EXACTLY_ONCE',
  'Consistency guarantee of checkpoints: barriers are aligned (EXACTLY_ONCE) or not (AT_LEAST_ONCE).',
);
export const CHECKPOINTING_TIMEOUT = durationOption(
  'execution.checkpointing.timeout',
  '10 min',
  'Time after which a pending checkpoint is aborted and counted as failed.',
);
export const MIN_PAUSE_BETWEEN_CHECKPOINTS = durationOption(
  'execution.checkpointing.min-pause',
  '0 ms',
  'Shortest time between the end of one checkpoint and the start of the next.',
);
export const MAX_CONCURRENT_CHECKPOINTS = intOption(
  'execution.checkpointing.max-concurrent-checkpoints',
  1,
  'Number of checkpoints that may be in progress at the same time.',
  { min: 1 },
);
export const TOLERABLE_FAILED_CHECKPOINTS = intOption(
  'execution.checkpointing.tolerable-failed-checkpoints',
  0,
  'Consecutive checkpoint failures tolerated before the job fails.',
  { min: 0 },
);
export const ENABLE_UNALIGNED = booleanOption(
  'execution.checkpointing.unaligned.enabled',
  false,
  'Whether checkpoint barriers may overtake in-flight data (EXACTLY_ONCE with one concurrent checkpoint only).',
  { deprecatedKeys: ['execution.checkpointing.unaligned'] },
);
export const ALIGNED_CHECKPOINT_TIMEOUT = durationOption(
  'execution.checkpointing.aligned-checkpoint-timeout',
  '0 ms',
  'Time after which an aligned checkpoint switches to unaligned; 0 never switches.',
);
export const EXTERNALIZED_CHECKPOINT_RETENTION = enumOption(
  'execution.checkpointing.externalized-checkpoint-retention',
  ['NO_EXTERNALIZED_CHECKPOINTS', 'DELETE_ON_CANCELLATION', 'RETAIN_ON_CANCELLATION'],
  'NO_EXTERNALIZED_CHECKPOINTS',
  'Whether completed checkpoints are kept when the job is cancelled.',
);
export const MAX_RETAINED_CHECKPOINTS = intOption(
  'execution.checkpointing.num-retained',
  1,
  'Number of completed checkpoints kept.',
  { min: 1, deprecatedKeys: ['state.checkpoints.num-retained'] },
);
export const CHECKPOINTS_DIRECTORY = stringOption(
  'execution.checkpointing.dir',
  undefined,
  'Root directory for checkpoint data and metadata; checkpoints stay in JobManager memory when unset.',
  { deprecatedKeys: ['state.checkpoints.dir'] },
);
export const SAVEPOINT_DIRECTORY = stringOption(
  'execution.checkpointing.savepoint-dir',
  undefined,
  'Default target directory for savepoints when a trigger does not name one.',
  { deprecatedKeys: ['state.savepoints.dir'] },
);
export const CHECKPOINT_STORAGE = enumOption(
  'execution.checkpointing.storage',
  ['jobmanager', 'filesystem'],
  undefined,
  'Where checkpoints are stored; filesystem when a checkpoint directory is set, else jobmanager.',
  { deprecatedKeys: ['state.checkpoint-storage'] },
);
export const INCREMENTAL_CHECKPOINTS = booleanOption(
  'execution.checkpointing.incremental',
  false,
  'Whether checkpoints only store the changes since the previous one, for state backends that support it.',
  { deprecatedKeys: ['state.backend.incremental'] },
);
export const CHECKPOINTS_AFTER_TASKS_FINISH = booleanOption(
  'execution.checkpointing.checkpoints-after-tasks-finish.enabled',
  true,
  'Whether checkpoints continue after some tasks finished, including a final checkpoint at end of input.',
);
export const STATE_BACKEND = stringOption(
  'state.backend.type',
  'hashmap',
  'State backend holding keyed state while a job runs.',
  { deprecatedKeys: ['state.backend'] },
);
export const FS_SMALL_FILE_THRESHOLD = memoryOption(
  'state.storage.fs.memory-threshold',
  '20 kb',
  'State smaller than this is stored inline in the checkpoint metadata instead of in its own file.',
);

// ------------------------------------------------------------------------------------ StateRecoveryOptions

export const SAVEPOINT_PATH = stringOption(
  'execution.state-recovery.path',
  undefined,
  'Savepoint or checkpoint a submitted job is restored from.',
  { deprecatedKeys: ['execution.savepoint.path'] },
);
export const SAVEPOINT_IGNORE_UNCLAIMED_STATE = booleanOption(
  'execution.state-recovery.ignore-unclaimed-state',
  false,
  'Whether restoring may skip state that no operator of the new job claims.',
  { deprecatedKeys: ['execution.savepoint.ignore-unclaimed-state'] },
);
export const RESTORE_MODE = enumOption(
  'execution.state-recovery.claim-mode',
  ['CLAIM', 'NO_CLAIM'],
  'NO_CLAIM',
  'Whether the job takes ownership of the snapshot it restores from (CLAIM) and may delete it later.',
  { deprecatedKeys: ['execution.savepoint-restore-mode'] },
);

// ---------------------------------------------------------------------------------- RestartStrategyOptions

export const RESTART_STRATEGY = enumOption(
  'restart-strategy.type',
  ['none', 'off', 'disable', 'fixed-delay', 'failure-rate', 'exponential-delay'],
  undefined,
  'How failed jobs restart; when unset, exponential-delay if checkpointing is enabled, else none.',
  { deprecatedKeys: ['restart-strategy'] },
);
export const RESTART_FIXED_DELAY_ATTEMPTS = intOption(
  'restart-strategy.fixed-delay.attempts',
  1,
  'Restart attempts of the fixed-delay strategy before the job fails.',
  { min: 0 },
);
export const RESTART_FIXED_DELAY_DELAY = durationOption(
  'restart-strategy.fixed-delay.delay',
  '1 s',
  'Wait between two restart attempts of the fixed-delay strategy.',
);
export const RESTART_FAILURE_RATE_MAX_FAILURES = intOption(
  'restart-strategy.failure-rate.max-failures-per-interval',
  1,
  'Failures the failure-rate strategy tolerates within one interval before the job fails.',
  { min: 1 },
);
export const RESTART_FAILURE_RATE_INTERVAL = durationOption(
  'restart-strategy.failure-rate.failure-rate-interval',
  '1 min',
  'Sliding window over which the failure-rate strategy counts failures.',
);
export const RESTART_FAILURE_RATE_DELAY = durationOption(
  'restart-strategy.failure-rate.delay',
  '1 s',
  'Wait between two restart attempts of the failure-rate strategy.',
);
export const RESTART_EXPONENTIAL_INITIAL_BACKOFF = durationOption(
  'restart-strategy.exponential-delay.initial-backoff',
  '1 s',
  'First wait of the exponential-delay strategy.',
);
export const RESTART_EXPONENTIAL_MAX_BACKOFF = durationOption(
  'restart-strategy.exponential-delay.max-backoff',
  '1 min',
  'Longest wait of the exponential-delay strategy.',
);
export const RESTART_EXPONENTIAL_BACKOFF_MULTIPLIER = numberOption(
  'restart-strategy.exponential-delay.backoff-multiplier',
  1.5,
  'Factor by which the exponential-delay wait grows after each failure.',
  { min: 1 },
);
export const RESTART_EXPONENTIAL_RESET_THRESHOLD = durationOption(
  'restart-strategy.exponential-delay.reset-backoff-threshold',
  '1 h',
  'Failure-free running time after which the exponential-delay wait and attempt count are reset.',
);
export const RESTART_EXPONENTIAL_JITTER = numberOption(
  'restart-strategy.exponential-delay.jitter-factor',
  0.1,
  'Random spread applied to each exponential-delay wait, as a fraction of it.',
  { min: 0, max: 1 },
);
export const RESTART_EXPONENTIAL_ATTEMPTS = intOption(
  'restart-strategy.exponential-delay.attempts-before-reset-backoff',
  2147483647,
  'Restart attempts of the exponential-delay strategy before the job fails, counted since the last reset.',
  { min: 1 },
);

// -------------------------------------------------------------------------------- HighAvailabilityOptions

export const HA_MODE = stringOption(
  'high-availability.type',
  'NONE',
  'High-availability services used for leader election and job recovery; NONE runs without them.',
  { deprecatedKeys: ['high-availability'] },
);
export const HA_STORAGE_PATH = stringOption(
  'high-availability.storageDir',
  undefined,
  'Directory where high-availability services persist job metadata; required when high availability is on.',
);
export const HA_CLUSTER_ID = stringOption(
  'high-availability.cluster-id',
  '/default',
  'Identifier that separates the high-availability data of different clusters sharing one store.',
);
export const HA_JOB_MANAGER_PORT_RANGE = stringOption(
  'high-availability.jobmanager.port',
  '0',
  'Port or port range of the JobManager RPC endpoint when high availability is on; 0 picks a free port.',
);

// ----------------------------------------------------------------------------------- HistoryServerOptions

export const HISTORY_SERVER_ARCHIVE_DIRS = listOption(
  'historyserver.archive.fs.dir',
  undefined,
  'Directories the HistoryServer reads archived jobs from.',
);
export const HISTORY_SERVER_ARCHIVE_REFRESH_INTERVAL = durationOption(
  'historyserver.archive.fs.refresh-interval',
  '10 s',
  'Interval at which the HistoryServer looks for newly archived jobs.',
);
export const HISTORY_SERVER_RETAINED_JOBS = intOption(
  'historyserver.archive.retained-jobs',
  -1,
  'Number of archived jobs the HistoryServer keeps per directory; -1 keeps all.',
  { min: -1 },
);
export const HISTORY_SERVER_WEB_ADDRESS = stringOption(
  'historyserver.web.address',
  undefined,
  'Address the HistoryServer REST endpoint binds to.',
);
export const HISTORY_SERVER_WEB_PORT = intOption(
  'historyserver.web.port',
  8082,
  'Port of the HistoryServer REST endpoint.',
  PORT,
);

// ------------------------------------------------------------------------------------------------ Registry

/** A set of related options, named after the Flink class that declares them. */
export interface OptionGroup {
  readonly name: string;
  readonly options: readonly ConfigOption<unknown>[];
}

/** Every option, grouped as in Flink; the generated docs follow this order. */
export const OPTION_GROUPS: readonly OptionGroup[] = Object.freeze([
  { name: 'CoreOptions', options: [PARALLELISM_DEFAULT, TMP_DIRS, PID_DIR, LOG_DIR, LOG_MAX, LOG_LEVEL] },
  {
    name: 'PipelineOptions',
    options: [
      PIPELINE_NAME,
      MAX_PARALLELISM,
      OPERATOR_CHAINING,
      OPERATOR_CHAINING_WITH_DIFFERENT_MAX_PARALLELISM,
      AUTO_WATERMARK_INTERVAL,
      OBJECT_REUSE,
    ],
  },
  { name: 'ExecutionOptions', options: [RUNTIME_MODE, BUFFER_TIMEOUT_ENABLED, BUFFER_TIMEOUT_INTERVAL] },
  {
    name: 'DeploymentOptions',
    options: [
      EXECUTION_TARGET,
      EXECUTION_ATTACHED,
      SHUTDOWN_IF_ATTACHED,
      SHUTDOWN_ON_APPLICATION_FINISH,
      SUBMIT_FAILED_JOB_ON_APPLICATION_ERROR,
    ],
  },
  {
    name: 'ClientOptions',
    options: [CLIENT_TIMEOUT, CLIENT_RETRY_PERIOD, CLIENT_HEARTBEAT_INTERVAL, CLIENT_HEARTBEAT_TIMEOUT],
  },
  {
    name: 'JobManagerOptions',
    options: [
      JOB_MANAGER_RPC_ADDRESS,
      JOB_MANAGER_RPC_PORT,
      JOB_MANAGER_RPC_BIND_PORT,
      JOB_MANAGER_BIND_HOST,
      JOB_MANAGER_PROCESS_SIZE,
      FAILOVER_STRATEGY,
      JOB_MANAGER_ARCHIVE_DIR,
    ],
  },
  {
    name: 'LauncherOptions',
    options: [
      SSH_USER,
      SSH_PORT,
      SSH_IDENTITY_FILE,
      SSH_CONNECT_TIMEOUT,
      SSH_KNOWN_HOSTS,
      SSH_STRICT_HOST_KEY_CHECKING,
      SSH_PARALLELISM,
      SHIP_DISTRIBUTION,
      REMOTE_INSTALL_DIR,
    ],
  },
  {
    name: 'TaskManagerOptions',
    options: [
      NUM_TASK_SLOTS,
      TASK_MANAGER_HOST,
      TASK_MANAGER_RESOURCE_ID,
      TASK_MANAGER_BIND_HOST,
      TASK_MANAGER_RPC_PORT,
      TASK_MANAGER_RPC_BIND_PORT,
      TASK_MANAGER_REGISTRATION_TIMEOUT,
      TASK_MANAGER_PROCESS_SIZE,
      TASK_MANAGER_FLINK_SIZE,
      TASK_HEAP_SIZE,
      MANAGED_MEMORY_SIZE,
      MANAGED_MEMORY_FRACTION,
      NETWORK_MEMORY_FRACTION,
      NETWORK_MEMORY_MIN,
      NETWORK_MEMORY_MAX,
      SEGMENT_SIZE,
    ],
  },
  {
    name: 'NettyShuffleEnvironmentOptions',
    options: [
      DATA_PORT,
      BUFFERS_PER_CHANNEL,
      FLOATING_BUFFERS_PER_GATE,
      MAX_BUFFERS_PER_CHANNEL,
      MAX_OVERDRAFT_BUFFERS_PER_GATE,
      NETWORK_REQUEST_BACKOFF_INITIAL,
      NETWORK_REQUEST_BACKOFF_MAX,
      PARTITION_REQUEST_TIMEOUT,
    ],
  },
  {
    name: 'RestOptions',
    options: [
      REST_ADDRESS,
      REST_PORT,
      REST_BIND_ADDRESS,
      REST_BIND_PORT,
      REST_SERVER_MAX_CONTENT_LENGTH,
      REST_CLIENT_MAX_CONTENT_LENGTH,
      REST_ASYNC_STORE_DURATION,
      REST_AWAIT_LEADER_TIMEOUT,
      REST_RETRY_MAX_ATTEMPTS,
      REST_RETRY_DELAY,
      REST_CONNECTION_TIMEOUT,
      REST_IDLENESS_TIMEOUT,
    ],
  },
  { name: 'WebOptions', options: [WEB_SUBMIT_ENABLE, WEB_CANCEL_ENABLE, WEB_UPLOAD_DIR] },
  {
    name: 'ClusterOptions',
    options: [
      HEARTBEAT_INTERVAL,
      HEARTBEAT_TIMEOUT,
      HEARTBEAT_RPC_FAILURE_THRESHOLD,
      INITIAL_REGISTRATION_TIMEOUT,
      MAX_REGISTRATION_TIMEOUT,
      REFUSED_REGISTRATION_DELAY,
      ERROR_REGISTRATION_DELAY,
      EVENLY_SPREAD_OUT_SLOTS,
      SLOT_REQUEST_TIMEOUT,
      SLOT_IDLE_TIMEOUT,
      JOB_STORE_EXPIRATION_TIME,
      START_WORKER_MAX_FAILURE_RATE,
      START_WORKER_RETRY_INTERVAL,
      SSH_MAX_TASK_MANAGERS_PER_HOST,
      ASK_TIMEOUT,
      TASK_MANAGER_TIMEOUT,
      TASK_MANAGER_REGISTRATION_DEADLINE,
      BLOB_SERVER_PORT,
    ],
  },
  { name: 'SecurityOptions', options: [CLUSTER_SECRET] },
  {
    name: 'CheckpointingOptions',
    options: [
      CHECKPOINTING_INTERVAL,
      CHECKPOINTING_MODE,
      CHECKPOINTING_TIMEOUT,
      MIN_PAUSE_BETWEEN_CHECKPOINTS,
      MAX_CONCURRENT_CHECKPOINTS,
      TOLERABLE_FAILED_CHECKPOINTS,
      ENABLE_UNALIGNED,
      ALIGNED_CHECKPOINT_TIMEOUT,
      EXTERNALIZED_CHECKPOINT_RETENTION,
      MAX_RETAINED_CHECKPOINTS,
      CHECKPOINTS_DIRECTORY,
      SAVEPOINT_DIRECTORY,
      CHECKPOINT_STORAGE,
      INCREMENTAL_CHECKPOINTS,
      CHECKPOINTS_AFTER_TASKS_FINISH,
      STATE_BACKEND,
      FS_SMALL_FILE_THRESHOLD,
    ],
  },
  { name: 'StateRecoveryOptions', options: [SAVEPOINT_PATH, SAVEPOINT_IGNORE_UNCLAIMED_STATE, RESTORE_MODE] },
  {
    name: 'RestartStrategyOptions',
    options: [
      RESTART_STRATEGY,
      RESTART_FIXED_DELAY_ATTEMPTS,
      RESTART_FIXED_DELAY_DELAY,
      RESTART_FAILURE_RATE_MAX_FAILURES,
      RESTART_FAILURE_RATE_INTERVAL,
      RESTART_FAILURE_RATE_DELAY,
      RESTART_EXPONENTIAL_INITIAL_BACKOFF,
      RESTART_EXPONENTIAL_MAX_BACKOFF,
      RESTART_EXPONENTIAL_BACKOFF_MULTIPLIER,
      RESTART_EXPONENTIAL_RESET_THRESHOLD,
      RESTART_EXPONENTIAL_JITTER,
      RESTART_EXPONENTIAL_ATTEMPTS,
    ],
  },
  {
    name: 'PoolOptions',
    options: [
      POOL_REDIS_URL,
      POOL_REDIS_PASSWORD,
      POOL_REDIS_TLS_CA_FILE,
      POOL_NAME,
      POOL_LEASE_TTL,
      POOL_HEARTBEAT_INTERVAL,
      POOL_APPLICATION_ID,
      POOL_APPLICATION_NAME,
      POOL_APPLICATION_QUEUE,
      POOL_APPLICATION_NODE_LABEL,
      POOL_QUEUES_FILE,
      POOL_AGENT_SLOTS,
      POOL_AGENT_MEMORY,
      POOL_AGENT_LABELS,
      POOL_AGENT_WORK_DIR,
      POOL_AGENT_REST_PORT,
    ],
  },
  {
    name: 'HighAvailabilityOptions',
    options: [HA_MODE, HA_STORAGE_PATH, HA_CLUSTER_ID, HA_JOB_MANAGER_PORT_RANGE],
  },
  {
    name: 'HistoryServerOptions',
    options: [
      HISTORY_SERVER_ARCHIVE_DIRS,
      HISTORY_SERVER_ARCHIVE_REFRESH_INTERVAL,
      HISTORY_SERVER_RETAINED_JOBS,
      HISTORY_SERVER_WEB_ADDRESS,
      HISTORY_SERVER_WEB_PORT,
    ],
  },
].map((group) => Object.freeze({ name: group.name, options: Object.freeze(group.options) })));

/** Every option flink-ts accepts, in docs order. */
export const ALL_OPTIONS: readonly ConfigOption<unknown>[] = Object.freeze(
  OPTION_GROUPS.flatMap((group) => group.options),
);

/** Prefixes under which any key is accepted as a free-form string (Flink passes these through untouched). */
export const PASSTHROUGH_PREFIXES: readonly string[] = Object.freeze([
  INTERNAL_PREFIX,
  GLOBAL_JOB_PARAMETERS_PREFIX,
]);
