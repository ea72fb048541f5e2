/**
 * Checkpoint endpoints: the statistics (`GET /jobs/:jobid/checkpoints`, `.../details/:checkpointid`),
 * the configuration (`GET /jobs/:jobid/checkpoints/config`) and Flink 1.19's manual checkpoint
 * (`POST /jobs/:jobid/checkpoints`, polled at `GET /jobs/:jobid/checkpoints/:triggerid`).
 */
import type { JobId } from '../../../core/ids.js';
import type { CheckpointLookup } from '../rest-cluster-facade.js';
import type { HandlerContext, HandlerRouter, RestRequest } from '../rest-handler.js';
import { AsyncOperationRegistry, newTriggerId } from '../async-operations.js';
import { badRequest, jobNotFound, notFound } from '../rest-errors.js';
import { jsonResponse } from '../rest-handler.js';
import { asyncResultResponse, checkTriggerId, parseTriggerBody, triggerIdOf, triggerResponse } from './async-operation-protocol.js';
import { checkpointConfigJson, checkpointStatisticsJson, checkpointingStatisticsJson } from './checkpoint-json.js';

/**
 * Flink's CheckpointType of a manual checkpoint. Every checkpoint here is a full snapshot, so
 * CONFIGURED and FULL take the same checkpoint; INCREMENTAL cannot be honoured.
 */
const CHECKPOINT_TYPES = ['CONFIGURED', 'FULL'] as const;

export function registerCheckpointHandlers(router: HandlerRouter, ctx: HandlerContext): void {
  const { facade } = ctx;
  const checkpoints = new AsyncOperationRegistry<number>(ctx.asyncOperationStoreDurationMs, ctx.now);

  const jobId = (request: RestRequest): JobId => request.params.jobid as JobId;

  /** The lookup's value; 404 for an unknown job, and with `disabledMessage` when checkpointing is off. */
  const found = <T>(id: JobId, lookup: CheckpointLookup<T>, disabledMessage: string): T => {
    if (lookup.kind === 'not-found') throw jobNotFound(id);
    if (lookup.kind === 'disabled') throw notFound(disabledMessage);
    return lookup.value;
  };

  router.add('GET', '/jobs/:jobid/checkpoints', async (request) => {
    const id = jobId(request);
    // Flink's wording for a job without a CheckpointStatsTracker.
    const stats = found(id, await facade.getCheckpointStats(id), 'Checkpointing has not been enabled.');
    return jsonResponse(checkpointingStatisticsJson(stats));
  });

  router.add('GET', '/jobs/:jobid/checkpoints/config', async (request) => {
    const id = jobId(request);
    const config = found(id, await facade.getCheckpointConfig(id), `Checkpointing is not enabled for this job (${id}).`);
    return jsonResponse(checkpointConfigJson(config));
  });

  router.add('GET', '/jobs/:jobid/checkpoints/details/:checkpointid', async (request) => {
    const id = jobId(request);
    const raw = request.params.checkpointid as string;
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) {
      throw badRequest(`Invalid checkpoint id '${raw}': expected a non-negative integer, as "id" in GET /jobs/${id}/checkpoints.`);
    }
    const checkpointId = Number(raw);
    const stats = found(id, await facade.getCheckpointStats(id), 'Checkpointing has not been enabled.');
    const entry = stats.history.find((e) => e.id === checkpointId);
    // Flink only keeps the last `web.checkpoints.history` checkpoints; older ones are gone too.
    if (entry === undefined) throw notFound(`Could not find checkpointing statistics for checkpoint ${checkpointId}.`);
    return jsonResponse(checkpointStatisticsJson(entry));
  });

  router.add('POST', '/jobs/:jobid/checkpoints', async (request) => {
    const id = jobId(request);
    const body = parseTriggerBody(await request.readJson(), 'checkpoint trigger', { checkpointType: 'string', triggerId: 'string' });
    const type = String(body.checkpointType ?? 'CONFIGURED').toUpperCase();
    if (!(CHECKPOINT_TYPES as readonly string[]).includes(type)) {
      throw badRequest(
        type === 'INCREMENTAL'
          ? "Checkpoint type INCREMENTAL is not supported: checkpoints are full snapshots; use CONFIGURED or FULL."
          : `Unknown checkpoint type '${String(body.checkpointType)}': expected CONFIGURED or FULL.`,
      );
    }
    const triggerId = triggerIdOf(body.triggerId, newTriggerId);
    const config = await facade.getCheckpointConfig(id);
    if (config.kind === 'not-found') throw jobNotFound(id);
    if (config.kind === 'disabled') throw badRequest(`Checkpointing is not enabled for this job (${id}), so no checkpoint can be triggered.`);
    checkpoints.trigger(id, triggerId, () => facade.triggerCheckpoint(id));
    return triggerResponse(triggerId);
  });

  router.add('GET', '/jobs/:jobid/checkpoints/:triggerid', (request) => {
    const id = jobId(request);
    const triggerId = checkTriggerId(request.params.triggerid as string);
    const state = checkpoints.get(id, triggerId);
    if (state === undefined) throw notFound(`There is no checkpoint operation with triggerId=${triggerId} for job ${id}.`);
    return Promise.resolve(asyncResultResponse(state, (checkpointId) => ({ checkpointId })));
  });
}
