/**
 * Process main of a pool agent (YARN's NodeManager): what `flink-ts pool agent start` launches.
 * Arguments: see entrypoint-process.ts; the agent's host comes as `-D $internal.pool.agent.host=<h>`.
 */
import { exitWhenDone, runEntrypointProcess } from './entrypoint-process.js';
import { nodeAgentFactory } from './pool-agent/node-agent-factory.js';

process.exitCode = await runEntrypointProcess({
  daemonName: 'poolagent',
  factory: nodeAgentFactory(),
  argv: process.argv.slice(2),
});
exitWhenDone();
