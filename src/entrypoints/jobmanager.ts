/**
 * Process main of the JobManager (Flink's StandaloneSessionClusterEntrypoint): what
 * `flink-ts jobmanager start` launches. Arguments: see entrypoint-process.ts.
 */
import { jobManagerFactory } from './job-manager-factory.js';
import { exitWhenDone, runEntrypointProcess } from './entrypoint-process.js';

process.exitCode = await runEntrypointProcess({
  daemonName: 'standalonesession',
  factory: jobManagerFactory(),
  argv: process.argv.slice(2),
});
exitWhenDone();
