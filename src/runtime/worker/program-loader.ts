import { pathToFileURL } from 'node:url';
import type { StreamGraph } from '../../api/graph/stream-graph.js';
import type { JobClient } from '../../api/environment/job-client.js';
import type { StreamNodeSummary } from '../jobgraph/job-graph.js';
import type { ProgramInfo } from '../jobgraph/program-info.js';
import { API_GLOBAL_KEY } from '../../api/program-globals.js';
import { installExecutionContext } from '../../api/environment/execution-context.js';
import { JobExecutionResult } from '../../api/environment/job-execution-result.js';
import { FlinkTsError } from '../../core/errors.js';

/**
 * Re-runs the job module inside a slot worker to get its user functions back. The targeted
 * `execute()` hands over its StreamGraph and never returns, so the rest of `main` does not run
 * here; earlier `execute()` calls return an empty result at once. Console output of `main` is
 * muted meanwhile: it already appeared once, in the client.
 */
export async function loadStreamGraph(program: ProgramInfo, expected: readonly StreamNodeSummary[]): Promise<StreamGraph> {
  (globalThis as Record<symbol, unknown>)[API_GLOBAL_KEY] = await import('../../api/index.js');
  // Same view of the program as the client gives it: its own arguments, and stack traces that
  // point into the job file rather than the artifact.
  process.argv = [process.argv[0] ?? 'node', program.artifactPath, ...program.args];
  process.setSourceMapsEnabled(true);
  let captured: (graph: StreamGraph) => void = () => undefined;
  const graphPromise = new Promise<StreamGraph>((resolve) => (captured = resolve));
  installExecutionContext({
    mode: 'task',
    args: program.args,
    defaults: program.defaults,
    attached: true,
    executePipeline: (graph) => {
      if (graph.executeIndex === program.executeIndex) {
        captured(graph);
        return new Promise<JobClient>(() => undefined);
      }
      return Promise.resolve(finishedClient());
    },
  });
  const restoreConsole = muteConsole();
  try {
    const moduleDone = import(pathToFileURL(program.artifactPath).href).then(
      () => {
        throw new FlinkTsError(
          'ERR_PLAN_MISMATCH',
          `The job module ended without reaching execute() call #${program.executeIndex + 1} when re-run in the TaskManager. ` +
            'A job must build the same pipelines every time its main runs (no randomness or environment-dependent branches around execute()).',
        );
      },
      (error: unknown) => {
        throw new FlinkTsError('ERR_PLAN_MISMATCH', `The job module failed when re-run in the TaskManager: ${String(error)}`, { cause: error });
      },
    );
    const graph = await Promise.race([graphPromise, moduleDone]);
    checkPlan(graph, expected);
    return graph;
  } finally {
    restoreConsole();
  }
}

function checkPlan(graph: StreamGraph, expected: readonly StreamNodeSummary[]): void {
  const problems: string[] = [];
  for (const node of expected) {
    const rebuilt = graph.nodes.get(node.id);
    if (rebuilt === undefined) problems.push(`operator ${node.id} '${node.name}' is missing`);
    else if (rebuilt.operatorId !== node.operatorId || rebuilt.kind !== node.kind) {
      problems.push(`operator ${node.id} was '${node.name}' (${node.operatorId}) in the client but is '${rebuilt.operatorName}' (${rebuilt.operatorId}) here`);
    }
  }
  if (graph.nodes.size !== expected.length) problems.push(`the client's plan has ${expected.length} operators, the rebuilt one ${graph.nodes.size}`);
  if (problems.length > 0) {
    throw new FlinkTsError(
      'ERR_PLAN_MISMATCH',
      `The job's plan rebuilt in the TaskManager differs from the submitted plan: ${problems.join('; ')}. ` +
        'A job must build the same pipeline every time its main runs (no randomness, clock or environment-dependent branches).',
    );
  }
}

function finishedClient(): JobClient {
  const result = new JobExecutionResult('00000000000000000000000000000000', 0, {});
  return {
    jobId: result.jobId,
    getJobStatus: () => Promise.resolve('FINISHED'),
    cancel: () => Promise.resolve(),
    getJobExecutionResult: () => Promise.resolve(result),
    getCollectedResults: () => Promise.resolve([]),
  };
}

function muteConsole(): () => void {
  const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- restored onto console itself
  const saved = methods.map((m) => console[m]);
  for (const m of methods) console[m] = () => undefined;
  return () => {
    methods.forEach((m, i) => (console[m] = saved[i] as (typeof console)[typeof m]));
  };
}
