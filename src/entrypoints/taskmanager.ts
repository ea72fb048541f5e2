/**
 * Process main of a TaskManager (Flink's TaskManagerRunner): what `flink-ts taskmanager start`
 * launches. Arguments: see entrypoint-process.ts.
 */
import { createTaskManagerComponent } from '../runtime/entrypoint/task-manager-component.js';
import { exitWhenDone, runEntrypointProcess } from './entrypoint-process.js';

process.exitCode = await runEntrypointProcess({
  daemonName: 'taskexecutor',
  factory: createTaskManagerComponent,
  argv: process.argv.slice(2),
});
exitWhenDone();
