/**
 * Checks a submitted JobGraph (our JSON wire format: the JobGraph object as JSON) before it
 * reaches the Dispatcher. A JobMaster assumes a consistent graph; a malformed one from an old
 * or foreign client must be refused with a message, not crash scheduling later.
 */
import type { JobGraph } from '../../jobgraph/job-graph.js';
import { isHexId } from '../../../core/ids.js';
import { badRequest } from '../rest-errors.js';

const INVOKABLES = new Set(['SourceStreamTask', 'OneInputStreamTask', 'TwoInputStreamTask']);
const SHA256_HEX = /^[0-9a-f]{64}$/;

type Json = Record<string, unknown>;

/**
 * Parses and checks the JobGraph file of a submission.
 * @throws RestHandlerError 400 naming the first problem.
 */
export function parseJobGraph(text: string): JobGraph {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw badRequest(`The JobGraph file is not valid JSON: ${(error as Error).message}`);
  }
  const graph = object(value, '(root)');
  hexId(graph.jobId, 'jobId');
  string(graph.jobName, 'jobName');
  if (graph.jobType !== 'STREAMING' && graph.jobType !== 'BATCH') throw invalid('jobType', 'STREAMING or BATCH');
  const vertices = array(graph.vertices, 'vertices');
  if (vertices.length === 0) throw invalid('vertices', 'at least one vertex');
  const ids = new Set<string>();
  vertices.forEach((raw, i) => {
    const where = `vertices[${i}]`;
    const v = object(raw, where);
    hexId(v.id, `${where}.id`);
    if (ids.has(v.id as string)) throw badRequest(`Invalid JobGraph: vertex id ${String(v.id)} appears twice.`);
    ids.add(v.id as string);
    string(v.name, `${where}.name`);
    positiveInt(v.parallelism, `${where}.parallelism`);
    positiveInt(v.maxParallelism, `${where}.maxParallelism`);
    if ((v.maxParallelism as number) < (v.parallelism as number)) throw invalid(`${where}.maxParallelism`, 'at least the parallelism');
    string(v.slotSharingGroup, `${where}.slotSharingGroup`);
    if (typeof v.invokable !== 'string' || !INVOKABLES.has(v.invokable)) throw invalid(`${where}.invokable`, [...INVOKABLES].join(', '));
    if (typeof v.bufferTimeout !== 'number') throw invalid(`${where}.bufferTimeout`, 'a number');
    if (array(v.operators, `${where}.operators`).length === 0) throw invalid(`${where}.operators`, 'at least one operator');
    array(v.inputs, `${where}.inputs`);
    array(v.producedDataSets, `${where}.producedDataSets`);
  });
  // Edges may only name vertices of this graph, producers before consumers (topological order).
  const seen = new Set<string>();
  vertices.forEach((raw, i) => {
    const v = raw as Json;
    (v.inputs as unknown[]).forEach((e, j) => {
      const edge = object(e, `vertices[${i}].inputs[${j}]`);
      if (typeof edge.sourceVertexId !== 'string' || !seen.has(edge.sourceVertexId)) {
        throw invalid(`vertices[${i}].inputs[${j}].sourceVertexId`, 'the id of an earlier vertex');
      }
    });
    (v.producedDataSets as unknown[]).forEach((d, j) => {
      const ds = object(d, `vertices[${i}].producedDataSets[${j}]`);
      if (typeof ds.consumerVertexId !== 'string' || !ids.has(ds.consumerVertexId)) {
        throw invalid(`vertices[${i}].producedDataSets[${j}].consumerVertexId`, 'the id of a vertex of the graph');
      }
    });
    seen.add(v.id as string);
  });
  const program = object(graph.program, 'program');
  string(program.artifactPath, 'program.artifactPath');
  if (typeof program.artifactHash !== 'string' || !SHA256_HEX.test(program.artifactHash)) {
    throw invalid('program.artifactHash', '64 lower-case hexadecimal characters (sha256)');
  }
  if (!Array.isArray(program.args) || !program.args.every((a) => typeof a === 'string')) throw invalid('program.args', 'an array of strings');
  object(program.defaults, 'program.defaults');
  if (typeof program.executeIndex !== 'number' || !Number.isInteger(program.executeIndex) || program.executeIndex < 0) {
    throw invalid('program.executeIndex', 'an integer >= 0');
  }
  array(object(graph.plan, 'plan').nodes, 'plan.nodes');
  array(graph.streamNodes, 'streamNodes');
  return value as JobGraph;
}

function invalid(field: string, expected: string): Error {
  return badRequest(`Invalid JobGraph: '${field}' must be ${expected}.`);
}

function object(value: unknown, field: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(field, 'an object');
  return value as Json;
}

function array(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) throw invalid(field, 'an array');
  return value;
}

function string(value: unknown, field: string): void {
  if (typeof value !== 'string') throw invalid(field, 'a string');
}

function hexId(value: unknown, field: string): void {
  if (typeof value !== 'string' || !isHexId(value)) throw invalid(field, '32 lower-case hexadecimal characters');
}

function positiveInt(value: unknown, field: string): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw invalid(field, 'an integer >= 1');
}
