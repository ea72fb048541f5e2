import { createServer, connect as connectSocket } from 'node:net';
import type { Server, Socket } from 'node:net';
import type { Logger } from '../../../core/logger.js';
import type { RoutedMessage } from '../network-messages.js';
import type { DataPlane } from '../../taskexecutor/task-executor.js';
import { DEFAULT_MAX_FRAME_BYTES, FrameDecoder, encodeFrame } from '../../rpc/rpc-framing.js';
import { clientProof, createNonce, isValidNonce, proofsEqual, serverProof } from '../../rpc/rpc-authentication.js';
import { parsePortSpec } from '../../rpc/rpc-address.js';

export interface DataConnectionManagerOptions {
  readonly bindHost: string;
  /** `taskmanager.data.port`: a port, 0 for any, or a range. */
  readonly port: number | string;
  readonly advertisedHost: string;
  readonly secret: string;
  readonly resourceId: string;
  readonly logger: Logger;
  readonly handshakeTimeoutMs: number;
  /** A message addressed to a worker of this TaskManager arrived. */
  readonly onMessage: (routed: RoutedMessage) => void;
  /** An authenticated connection to another TaskManager broke. */
  readonly onConnectionLost: (taskManagerId: string, dataAddress: string) => void;
}

type Handshake =
  | { readonly t: 'hello'; readonly nonce: Uint8Array }
  | { readonly t: 'auth'; readonly proof: Uint8Array; readonly nonce: Uint8Array; readonly resourceId: string; readonly dataAddress: string }
  | { readonly t: 'welcome'; readonly proof: Uint8Array; readonly resourceId: string };

interface Peer {
  readonly socket: Socket;
  resourceId: string | undefined;
  dataAddress: string | undefined;
  /** Frames sent before the handshake completed. */
  pending: Buffer[] | undefined;
  lost: boolean;
}

/**
 * The data plane between TaskManagers (Flink's Netty shuffle): one port per TaskManager, one
 * outgoing connection per peer TaskManager multiplexing every channel to it. Connections start
 * with the cluster secret's mutual challenge (as RPC connections do), so only members of the
 * cluster can request partitions or inject buffers. Flow control is end to end per channel
 * (credits), so the socket itself needs no extra throttling.
 */
export class DataConnectionManager implements DataPlane {
  private readonly outgoing = new Map<string, Peer>();
  private readonly incoming = new Set<Peer>();
  private closed = false;

  private constructor(
    private readonly server: Server,
    readonly dataAddress: string,
    private readonly options: DataConnectionManagerOptions,
  ) {
    server.on('connection', (socket) => this.accept(socket));
  }

  static async start(options: DataConnectionManagerOptions): Promise<DataConnectionManager> {
    let lastError: Error | undefined;
    for (const port of parsePortSpec(options.port)) {
      const server = createServer();
      try {
        const bound = await new Promise<number>((resolve, reject) => {
          server.once('error', reject);
          server.listen(port, options.bindHost, () => {
            const address = server.address();
            resolve(typeof address === 'object' && address !== null ? address.port : port);
          });
        });
        return new DataConnectionManager(server, `${options.advertisedHost}:${bound}`, options);
      } catch (e) {
        lastError = e instanceof Error ? e : new Error(String(e));
      }
    }
    throw new Error(
      `Could not start the TaskManager data server on ${options.bindHost} port ${String(options.port)} ` +
        `(taskmanager.data.port): ${lastError?.message ?? 'no port'}.`,
    );
  }

  send(routed: RoutedMessage): void {
    if (this.closed) return;
    const target = routed.to.dataAddress;
    if (target === undefined) {
      this.options.logger.warn(`Dropping a ${routed.message.t} for TaskManager ${routed.to.taskManagerId}: its data address is unknown.`);
      return;
    }
    const frame = encodeFrame(routed, DEFAULT_MAX_FRAME_BYTES);
    const peer = this.outgoing.get(target) ?? this.connect(target, routed.to.taskManagerId);
    if (peer.pending !== undefined) peer.pending.push(frame);
    else peer.socket.write(frame);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const peer of [...this.outgoing.values(), ...this.incoming]) peer.socket.destroy();
    this.outgoing.clear();
    this.incoming.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- client side: connect, answer the challenge, then send ----

  private connect(dataAddress: string, taskManagerId: string): Peer {
    const separator = dataAddress.lastIndexOf(':');
    const host = dataAddress.slice(0, separator).replace(/^\[|\]$/g, '');
    const port = Number(dataAddress.slice(separator + 1));
    const socket = connectSocket({ host, port });
    socket.setNoDelay(true);
    const peer: Peer = { socket, resourceId: taskManagerId, dataAddress, pending: [], lost: false };
    this.outgoing.set(dataAddress, peer);
    const clientNonce = createNonce();
    const decoder = new FrameDecoder();
    const timer = setTimeout(() => this.fail(peer, 'handshake timed out'), this.options.handshakeTimeoutMs);
    socket.on('data', (chunk: Buffer) => {
      let messages: unknown[];
      try {
        messages = decoder.push(chunk);
      } catch (e) {
        this.fail(peer, e instanceof Error ? e.message : String(e));
        return;
      }
      for (const m of messages) {
        if (peer.pending === undefined) {
          this.options.onMessage(m as RoutedMessage);
          continue;
        }
        const h = m as Handshake;
        if (h.t === 'hello' && isValidNonce(h.nonce)) {
          socket.write(
            encodeFrame(
              {
                t: 'auth',
                proof: clientProof(this.options.secret, h.nonce, clientNonce),
                nonce: clientNonce,
                resourceId: this.options.resourceId,
                dataAddress: this.dataAddress,
              } satisfies Handshake,
              DEFAULT_MAX_FRAME_BYTES,
            ),
          );
          serverNonce = h.nonce;
        } else if (h.t === 'welcome' && serverNonce !== undefined && proofsEqual(serverProof(this.options.secret, clientNonce, serverNonce), h.proof)) {
          clearTimeout(timer);
          peer.resourceId = h.resourceId;
          const queued = peer.pending;
          peer.pending = undefined;
          for (const frame of queued) socket.write(frame);
        } else {
          this.fail(peer, 'the peer failed the cluster-secret handshake (security.cluster-secret differs?)');
          return;
        }
      }
    });
    let serverNonce: Uint8Array | undefined;
    socket.on('error', (e) => this.fail(peer, e.message));
    socket.on('close', () => {
      clearTimeout(timer);
      this.lost(peer);
    });
    return peer;
  }

  // ---- server side: challenge, verify, then receive ----

  private accept(socket: Socket): void {
    socket.setNoDelay(true);
    const peer: Peer = { socket, resourceId: undefined, dataAddress: undefined, pending: [], lost: false };
    this.incoming.add(peer);
    const serverNonce = createNonce();
    const decoder = new FrameDecoder();
    const timer = setTimeout(() => this.refuse(peer, 'handshake timed out'), this.options.handshakeTimeoutMs);
    socket.write(encodeFrame({ t: 'hello', nonce: serverNonce } satisfies Handshake, DEFAULT_MAX_FRAME_BYTES));
    socket.on('data', (chunk: Buffer) => {
      let messages: unknown[];
      try {
        messages = decoder.push(chunk);
      } catch (e) {
        this.refuse(peer, e instanceof Error ? e.message : String(e));
        return;
      }
      for (const m of messages) {
        if (peer.pending === undefined) {
          this.options.onMessage(m as RoutedMessage);
          continue;
        }
        const h = m as Handshake;
        if (h.t !== 'auth' || !isValidNonce(h.nonce) || !proofsEqual(clientProof(this.options.secret, serverNonce, h.nonce), h.proof)) {
          this.refuse(peer, 'wrong cluster secret (security.cluster-secret)');
          return;
        }
        clearTimeout(timer);
        peer.pending = undefined;
        peer.resourceId = h.resourceId;
        peer.dataAddress = h.dataAddress;
        socket.write(
          encodeFrame(
            { t: 'welcome', proof: serverProof(this.options.secret, h.nonce, serverNonce), resourceId: this.options.resourceId } satisfies Handshake,
            DEFAULT_MAX_FRAME_BYTES,
          ),
        );
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      this.incoming.delete(peer);
      this.lost(peer);
    });
  }

  private refuse(peer: Peer, reason: string): void {
    this.options.logger.warn(`Refused data connection from ${peer.socket.remoteAddress ?? '?'}:${peer.socket.remotePort ?? '?'}: ${reason}`);
    peer.socket.destroy();
  }

  private fail(peer: Peer, reason: string): void {
    if (!peer.lost) this.options.logger.warn(`Data connection to ${peer.dataAddress ?? '?'} failed: ${reason}`);
    peer.socket.destroy();
  }

  /** Reports a broken connection once, and only for peers that were (or were meant to be) members. */
  private lost(peer: Peer): void {
    if (peer.lost) return;
    peer.lost = true;
    if (peer.dataAddress !== undefined && this.outgoing.get(peer.dataAddress) === peer) this.outgoing.delete(peer.dataAddress);
    if (this.closed || peer.resourceId === undefined || peer.dataAddress === undefined) return;
    this.options.onConnectionLost(peer.resourceId, peer.dataAddress);
  }
}
