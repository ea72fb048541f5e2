/**
 * Process main of the JobManager (Flink's StandaloneSessionClusterEntrypoint): what
 * `flink-ts jobmanager start` launches. Arguments: see entrypoint-process.ts.
 */
import { createJobManagerComponent } from '../runtime/entrypoint/job-manager-component.js';
import { exitWhenDone, runEntrypointProcess } from './entrypoint-process.js';

process.exitCode = await runEntrypointProcess({
  daemonName: 'standalonesession',
  factory: createJobManagerComponent,
  argv: process.argv.slice(2),
});
exitWhenDone();
