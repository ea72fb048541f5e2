/**
 * The body of `POST /jobs/:jobid/coordinators/:operatorid` for collect sinks. Flink's field
 * names carry serialized bytes (`serializedCoordinationRequest`, `serializedCoordinationResult`);
 * here the bytes are msgpack, base64-encoded, because collected records are arbitrary JS values
 * (Dates, Maps, typed arrays, bigints) that JSON would flatten or refuse. msgpack is what
 * records already travel in between workers, so a record arrives in the client as it would
 * between two tasks.
 */
import { Packr, Unpackr } from 'msgpackr';
import type { CollectRequest, CollectResult } from './rest-cluster-facade.js';

const packr = new Packr({ moreTypes: true, structuredClone: false, useRecords: false });
const unpackr = new Unpackr({ moreTypes: true, structuredClone: false, useRecords: false });

export interface CoordinationRequestBody {
  readonly serializedCoordinationRequest: string;
}

export interface CoordinationResponseBody {
  readonly serializedCoordinationResult: string;
}

export function encodeCollectRequest(request: CollectRequest): CoordinationRequestBody {
  return { serializedCoordinationRequest: Buffer.from(packr.pack({ offset: request.offset, limit: request.limit ?? null })).toString('base64') };
}

/**
 * @throws Error with a message for the client when the body is not a collect request.
 */
export function decodeCollectRequest(body: unknown): CollectRequest {
  const encoded = (body as Partial<CoordinationRequestBody> | null)?.serializedCoordinationRequest;
  if (typeof encoded !== 'string') throw new Error('Expected a JSON object with a string field "serializedCoordinationRequest".');
  let decoded: unknown;
  try {
    decoded = unpackr.unpack(Buffer.from(encoded, 'base64'));
  } catch {
    throw new Error('"serializedCoordinationRequest" is not a base64-encoded msgpack document.');
  }
  const { offset, limit } = (decoded ?? {}) as { offset?: unknown; limit?: unknown };
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) {
    throw new Error('The collect request needs an "offset": an integer >= 0.');
  }
  if (limit !== null && limit !== undefined && (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 1)) {
    throw new Error('The collect request\'s "limit" must be an integer >= 1 when given.');
  }
  return typeof limit === 'number' ? { offset, limit } : { offset };
}

export function encodeCollectResult(result: CollectResult): CoordinationResponseBody {
  return { serializedCoordinationResult: Buffer.from(packr.pack({ values: result.values, jobEnded: result.jobEnded })).toString('base64') };
}

/** @throws Error when the body is not a collect result. */
export function decodeCollectResult(body: unknown): CollectResult {
  const encoded = (body as Partial<CoordinationResponseBody> | null)?.serializedCoordinationResult;
  if (typeof encoded !== 'string') throw new Error('The coordination response has no "serializedCoordinationResult".');
  const decoded = unpackr.unpack(Buffer.from(encoded, 'base64')) as { values?: unknown; jobEnded?: unknown };
  if (!Array.isArray(decoded.values) || typeof decoded.jobEnded !== 'boolean') {
    throw new Error('The coordination response is not a collect result.');
  }
  return { values: decoded.values, jobEnded: decoded.jobEnded };
}
