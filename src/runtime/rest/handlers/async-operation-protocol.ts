/**
 * The shared pieces of Flink's asynchronous-operation protocol: trigger bodies are JSON objects
 * with known fields only (Flink's REST mapper fails on unknown properties, as our `/jars/:jarid/run`
 * does), a trigger answers 202 `{"request-id": <triggerId>}`, and the status path answers
 * `{"status": {"id": "IN_PROGRESS" | "COMPLETED"}, "operation": ...}` where a COMPLETED
 * operation carries either its result or a `failure-cause`.
 */
import { isHexId } from '../../../core/ids.js';
import type { AsyncOperationState } from '../async-operations.js';
import type { RestResponse } from '../rest-handler.js';
import { badRequest } from '../rest-errors.js';
import { jsonResponse } from '../rest-handler.js';
import { failureCauseJson } from './render.js';

export type FieldType = 'string' | 'boolean';

/**
 * Checks a trigger's body against its fields and returns it. Absent and `null` fields are both
 * "not given", as Flink's optional fields read them.
 * @throws RestHandlerError 400 naming the request, the offending field and what it must be.
 */
export function parseTriggerBody(body: unknown, request: string, fields: Readonly<Record<string, FieldType>>): Readonly<Record<string, string | boolean | undefined>> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest(`The ${request} request body must be a JSON object.`);
  const result: Record<string, string | boolean | undefined> = {};
  const known = Object.keys(fields);
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    const type = fields[key];
    if (type === undefined) throw badRequest(`Unknown field '${key}' in the ${request} request; known fields: ${known.join(', ')}.`);
    if (value === null || value === undefined) continue;
    if (typeof value !== type) {
      throw badRequest(`Field '${key}' of the ${request} request must be ${type === 'boolean' ? 'true or false' : 'a string'}, not ${JSON.stringify(value)}.`);
    }
    if (type === 'string' && (value as string).trim().length === 0) throw badRequest(`Field '${key}' of the ${request} request must not be empty.`);
    result[key] = value as string | boolean;
  }
  return result;
}

/**
 * A client-chosen trigger id (lower-cased), or a fresh one.
 * @throws RestHandlerError 400 for an id that is not 32 hex characters, as Flink's TriggerId.
 */
export function triggerIdOf(value: string | boolean | undefined, fresh: () => string): string {
  if (value === undefined) return fresh();
  return checkTriggerId(String(value));
}

/** @throws RestHandlerError 400 for an id that is not 32 hex characters. */
export function checkTriggerId(value: string): string {
  const lower = value.toLowerCase();
  if (!isHexId(lower)) throw badRequest(`Invalid trigger id '${value}': expected 32 hexadecimal characters, as the trigger's "request-id".`);
  return lower;
}

/** `formatType`: only CANONICAL savepoints exist here. @throws RestHandlerError 400 otherwise. */
export function checkFormatType(value: string | boolean | undefined): void {
  if (value === undefined || String(value).toUpperCase() === 'CANONICAL') return;
  if (String(value).toUpperCase() === 'NATIVE') {
    throw badRequest("Savepoint format 'NATIVE' is not supported: flink-ts writes savepoints in the CANONICAL format only; leave 'formatType' out or set it to CANONICAL.");
  }
  throw badRequest(`Unknown savepoint format '${String(value)}': expected CANONICAL.`);
}

/** Flink's TriggerResponse, with 202 Accepted. */
export function triggerResponse(triggerId: string): RestResponse {
  return jsonResponse({ 'request-id': triggerId }, 202);
}

/** Flink's AsynchronousOperationResult; `render` gives the `operation` of a successful one. */
export function asyncResultResponse<T>(state: AsyncOperationState<T>, render: (result: T) => Record<string, unknown>): RestResponse {
  switch (state.status) {
    case 'IN_PROGRESS':
      return jsonResponse({ status: { id: 'IN_PROGRESS' } });
    case 'COMPLETED':
      return jsonResponse({ status: { id: 'COMPLETED' }, operation: render(state.result) });
    case 'FAILED':
      return jsonResponse({ status: { id: 'COMPLETED' }, operation: { 'failure-cause': failureCauseJson(state.failure) } });
  }
}
