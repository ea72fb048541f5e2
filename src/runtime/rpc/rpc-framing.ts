/**
 * Frames of the RPC connection: a 4-byte big-endian body length, then the body, one msgpack
 * document. TCP delivers a byte stream, so the decoder reassembles frames split across reads and
 * splits reads that carry several frames.
 */
import { Packr, Unpackr } from 'msgpackr';

import { RpcProtocolError, RpcSerializationError } from './rpc-errors.js';

/** Control messages are small; a larger frame means a bug or a peer that speaks something else. */
export const DEFAULT_MAX_FRAME_BYTES = 64 * 1024 * 1024;

const HEADER_BYTES = 4;

// moreTypes keeps a Uint8Array a Uint8Array (not a Buffer) on the other side. Records stay off:
// control messages are small and varied, so shared record structures would only add state.
const packr = new Packr({ useRecords: false, moreTypes: true });
// copyBuffers: decoded byte arrays must not be views of the socket's chunks, which the caller
// could otherwise keep alive (or see reused) long after the frame.
const unpackr = new Unpackr({ useRecords: false, moreTypes: true, copyBuffers: true });

/**
 * Encodes one message as a frame. Throws RpcSerializationError when the message is not plain data
 * or when its body exceeds `maxFrameBytes`, before anything is sent, so that an oversized call
 * fails alone instead of making the peer close the connection of every call.
 */
export function encodeFrame(message: unknown, maxFrameBytes: number): Buffer {
  let body: Uint8Array;
  try {
    body = packr.pack(message);
  } catch (e) {
    throw new RpcSerializationError(`not plain data (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
  if (body.length > maxFrameBytes) {
    throw new RpcSerializationError(`${body.length} bytes, above the maximum RPC message size of ${maxFrameBytes} bytes`);
  }
  // The packer's output is a view of its reused scratch buffer; the socket may still hold the
  // frame after the next pack, so the frame gets memory of its own.
  const frame = Buffer.allocUnsafe(HEADER_BYTES + body.length);
  frame.writeUInt32BE(body.length, 0);
  frame.set(body, HEADER_BYTES);
  return frame;
}

/** Reassembles frames from socket reads and decodes their bodies. */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Body length of the frame being received, once its header is complete. */
  private bodyLength: number | undefined;

  constructor(private readonly maxFrameBytes: number = DEFAULT_MAX_FRAME_BYTES) {}

  /**
   * Adds a read and returns the messages it completed, in order. Throws RpcProtocolError for a
   * frame above the maximum or a body that is not msgpack; the connection is unusable after that.
   */
  push(chunk: Buffer): unknown[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const messages: unknown[] = [];
    for (;;) {
      if (this.bodyLength === undefined) {
        if (this.buffered < HEADER_BYTES) break;
        const length = this.take(HEADER_BYTES).readUInt32BE(0);
        if (length > this.maxFrameBytes) {
          throw new RpcProtocolError(
            `received a frame of ${length} bytes, which exceeds the maximum of ${this.maxFrameBytes} bytes`,
          );
        }
        this.bodyLength = length;
      }
      if (this.buffered < this.bodyLength) break;
      const body = this.take(this.bodyLength);
      this.bodyLength = undefined;
      try {
        messages.push(unpackr.unpack(body));
      } catch (e) {
        throw new RpcProtocolError(`received a frame that is not msgpack (${e instanceof Error ? e.message : String(e)})`, {
          cause: e,
        });
      }
    }
    return messages;
  }

  /**
   * Removes `n` buffered bytes. Concatenates only when a frame spans reads, and then once per
   * frame, so a large frame arriving in many small reads costs linear, not quadratic, copying.
   */
  private take(n: number): Buffer {
    const first = this.chunks[0];
    if (first !== undefined && first.length >= n) {
      const out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      this.buffered -= n;
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.chunks[0];
      if (chunk === undefined) throw new Error('FrameDecoder.take: fewer bytes buffered than requested');
      const used = Math.min(chunk.length, n - filled);
      chunk.copy(out, filled, 0, used);
      filled += used;
      if (used === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(used);
    }
    this.buffered -= n;
    return out;
  }
}
