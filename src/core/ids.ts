import { randomBytes } from 'node:crypto';

/**
 * Typed identifiers, named as Flink names them. All are 32 lower-case hex characters (Flink's
 * AbstractID form), branded so that a JobId can never be passed where a VertexId is expected.
 */
export type JobId = string & { readonly __brand: 'JobId' };
export type JobVertexId = string & { readonly __brand: 'JobVertexId' };
export type OperatorId = string & { readonly __brand: 'OperatorId' };
export type IntermediateDataSetId = string & { readonly __brand: 'IntermediateDataSetId' };
export type ExecutionAttemptId = string & { readonly __brand: 'ExecutionAttemptId' };
export type AllocationId = string & { readonly __brand: 'AllocationId' };
export type ResourceId = string & { readonly __brand: 'ResourceId' };

const HEX32 = /^[0-9a-f]{32}$/;

function randomHex(): string {
  return randomBytes(16).toString('hex');
}

export const newJobId = (): JobId => randomHex() as JobId;
export const newJobVertexId = (): JobVertexId => randomHex() as JobVertexId;
export const newIntermediateDataSetId = (): IntermediateDataSetId => randomHex() as IntermediateDataSetId;
export const newExecutionAttemptId = (): ExecutionAttemptId => randomHex() as ExecutionAttemptId;
export const newAllocationId = (): AllocationId => randomHex() as AllocationId;
export const newResourceId = (): ResourceId => randomHex() as ResourceId;

export function isHexId(value: string): boolean {
  return HEX32.test(value);
}

/** Parses a user-supplied job id, naming the bad input and the expected form on failure. */
export function parseJobId(value: string): JobId {
  const id = value.trim().toLowerCase();
  if (!isHexId(id)) {
    throw new TypeError(`'${value}' is not a valid JobID: expected 32 hexadecimal characters.`);
  }
  return id as JobId;
}
