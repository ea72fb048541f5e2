import { Packr, Unpackr } from 'msgpackr';

/**
 * The msgpack codec of state snapshots (keyed and operator state). Records are on, as on the
 * network: state is mostly many objects of the same shape.
 */
const packr = new Packr({ useRecords: true, moreTypes: true, structuredClone: false });
const unpackr = new Unpackr({ useRecords: true, moreTypes: true, structuredClone: false });

/** msgpackr packs into a shared scratch buffer: copy, so the bytes stay valid after the next pack. */
export function packState(value: unknown): Uint8Array {
  return new Uint8Array(packr.pack(value));
}

export function unpackState(bytes: Uint8Array): unknown {
  return unpackr.unpack(bytes);
}
