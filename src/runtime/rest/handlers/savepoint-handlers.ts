/**
 * Savepoint endpoints (Flink's SavepointHandlers, StopWithSavepointHandlers and
 * SavepointDisposalHandlers): trigger a savepoint (`POST /jobs/:jobid/savepoints`, optionally
 * cancelling the job afterwards), stop a job with one (`POST /jobs/:jobid/stop`), both polled at
 * `GET /jobs/:jobid/savepoints/:triggerid`, and delete one (`POST /savepoint-disposal`, polled at
 * `GET /savepoint-disposal/:triggerid`).
 */
import type { JobId } from '../../../core/ids.js';
import type { SavepointType } from '../rest-cluster-facade.js';
import type { HandlerContext, HandlerRouter, RestRequest } from '../rest-handler.js';
import { AsyncOperationRegistry, newTriggerId } from '../async-operations.js';
import { badRequest, jobNotFound, notFound } from '../rest-errors.js';
import {
  asyncResultResponse,
  checkFormatType,
  checkTriggerId,
  parseTriggerBody,
  triggerIdOf,
  triggerResponse,
} from './async-operation-protocol.js';

/** The option naming the default savepoint directory (Flink 2.x's key; `state.savepoints.dir` before). */
const SAVEPOINT_DIR_KEY = 'execution.checkpointing.savepoint-dir';
/** Disposals belong to no job: all of them share one scope of the registry. */
const DISPOSAL_SCOPE = 'savepoint-disposal';

export function registerSavepointHandlers(router: HandlerRouter, ctx: HandlerContext): void {
  const { facade } = ctx;
  // Savepoints and stop-with-savepoint share one registry, as they share Flink's status path.
  const savepoints = new AsyncOperationRegistry<string>(ctx.asyncOperationStoreDurationMs, ctx.now);
  const disposals = new AsyncOperationRegistry<null>(ctx.asyncOperationStoreDurationMs, ctx.now);

  const jobId = (request: RestRequest): JobId => request.params.jobid as JobId;

  /**
   * Starts a savepoint of a known job and answers its trigger id. Without a target directory the
   * job's default must exist (Flink's check and message, naming the body field to set).
   */
  const startSavepoint = async (
    id: JobId,
    triggerId: string,
    targetDirectory: string | undefined,
    type: SavepointType,
    directoryField: string,
    afterwards: (path: string) => Promise<void> = () => Promise.resolve(),
  ): Promise<string> => {
    const config = await facade.getCheckpointConfig(id);
    if (config.kind === 'not-found') throw jobNotFound(id);
    if (config.kind === 'disabled') throw badRequest(`Checkpointing is not enabled for this job (${id}), so it cannot take a savepoint.`);
    if (targetDirectory === undefined && config.value.savepointDir === undefined) {
      throw badRequest(`Config key [${SAVEPOINT_DIR_KEY}] is not set. Property [${directoryField}] must be provided.`);
    }
    return savepoints.trigger(id, triggerId, async () => {
      const path = await facade.triggerSavepoint(id, targetDirectory, type);
      await afterwards(path);
      return path;
    });
  };

  router.add('POST', '/jobs/:jobid/savepoints', async (request) => {
    const id = jobId(request);
    const body = parseTriggerBody(await request.readJson(), 'savepoint trigger', {
      'target-directory': 'string',
      'cancel-job': 'boolean',
      triggerId: 'string',
      formatType: 'string',
    });
    checkFormatType(body.formatType);
    const triggerId = triggerIdOf(body.triggerId, newTriggerId);
    const cancelJob = body['cancel-job'] === true;
    const targetDirectory = body['target-directory'] as string | undefined;
    await startSavepoint(id, triggerId, targetDirectory, 'SAVEPOINT', 'target-directory', async () => {
      if (!cancelJob) return;
      // Flink's deprecated cancel-with-savepoint: the savepoint first, then the cancellation.
      const outcome = await facade.cancelJob(id);
      if (outcome.kind === 'not-found') throw new Error(`The savepoint completed, but job ${id} was gone before it could be cancelled.`);
      if (outcome.kind === 'terminal') throw new Error(`The savepoint completed, but job ${id} had already reached ${outcome.status} and was not cancelled.`);
    });
    return triggerResponse(triggerId);
  });

  router.add('POST', '/jobs/:jobid/stop', async (request) => {
    const id = jobId(request);
    const body = parseTriggerBody(await request.readJson(), 'stop-with-savepoint', {
      targetDirectory: 'string',
      drain: 'boolean',
      triggerId: 'string',
      formatType: 'string',
    });
    checkFormatType(body.formatType);
    const triggerId = triggerIdOf(body.triggerId, newTriggerId);
    // --drain flushes event time and finishes the operators first (for a job that ends for good).
    const type: SavepointType = body.drain === true ? 'SAVEPOINT_TERMINATE' : 'SAVEPOINT_SUSPEND';
    await startSavepoint(id, triggerId, body.targetDirectory as string | undefined, type, 'targetDirectory');
    return triggerResponse(triggerId);
  });

  router.add('GET', '/jobs/:jobid/savepoints/:triggerid', (request) => {
    const id = jobId(request);
    const triggerId = checkTriggerId(request.params.triggerid as string);
    const state = savepoints.get(id, triggerId);
    if (state === undefined) throw notFound(`There is no savepoint operation with triggerId=${triggerId} for job ${id}.`);
    return Promise.resolve(asyncResultResponse(state, (location) => ({ location })));
  });

  router.add('POST', '/savepoint-disposal', async (request) => {
    const body = parseTriggerBody(await request.readJson(), 'savepoint disposal', { 'savepoint-path': 'string' });
    const path = body['savepoint-path'] as string | undefined;
    if (path === undefined) throw badRequest("The savepoint disposal request needs 'savepoint-path': the path of the savepoint to delete.");
    const triggerId = disposals.trigger(DISPOSAL_SCOPE, newTriggerId(), async () => {
      await facade.disposeSavepoint(path);
      return null;
    });
    return triggerResponse(triggerId);
  });

  router.add('GET', '/savepoint-disposal/:triggerid', (request) => {
    const triggerId = checkTriggerId(request.params.triggerid as string);
    const state = disposals.get(DISPOSAL_SCOPE, triggerId);
    if (state === undefined) throw notFound(`There is no savepoint disposal operation with triggerId=${triggerId}.`);
    return Promise.resolve(asyncResultResponse(state, () => ({})));
  });
}
