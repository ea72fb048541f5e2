import { Packr, Unpackr } from 'msgpackr';
import type { Buffer as RuntimeBuffer, RuntimeEvent } from './buffer.js';

/**
 * Serialises buffers for exchange between workers and processes. Each buffer is packed as one
 * msgpack document with record structures defined inline, so a buffer can be decoded alone
 * (perf-baselines.md §3: batch packing is the fastest msgpackr mode).
 */
const packr = new Packr({ useRecords: true, moreTypes: true, structuredClone: false });
const unpackr = new Unpackr({ useRecords: true, moreTypes: true, structuredClone: false });

/**
 * Returns a copy that owns its memory: msgpackr packs into a shared scratch buffer, and posting a
 * view of it to another thread would clone the whole scratch buffer.
 */
export function serializeBuffer(buffer: RuntimeBuffer): Uint8Array {
  const packed =
    buffer.kind === 'event' ? packr.pack({ e: buffer.event }) : packr.pack({ v: buffer.values, t: buffer.timestamps ?? null });
  return new Uint8Array(packed);
}

export function deserializeBuffer(bytes: Uint8Array): RuntimeBuffer {
  const doc = unpackr.unpack(bytes) as { e?: RuntimeEvent; v?: unknown[]; t?: number[] | null };
  if (doc.e !== undefined) return { kind: 'event', event: doc.e };
  return { kind: 'data', values: doc.v ?? [], timestamps: doc.t ?? undefined };
}
