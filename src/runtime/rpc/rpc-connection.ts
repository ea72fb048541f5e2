/**
 * The two ends of an RPC connection. An OutboundConnection carries this process's calls to one
 * remote service; an InboundConnection serves one remote process's calls. Both run the
 * authentication handshake first (rpc-authentication.ts) and treat anything unexpected from the
 * peer as a protocol error that closes the connection, never as a crash of the process.
 */
import { connect as netConnect } from 'node:net';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

import type { Logger } from '../../core/logger.js';
import { formatBaseAddress } from './rpc-address.js';
import {
  clientProof,
  createNonce,
  isValidNonce,
  proofsEqual,
  serverProof,
} from './rpc-authentication.js';
import {
  RemoteRpcError,
  RpcAuthenticationError,
  RpcConnectionError,
  RpcProtocolError,
  RpcSerializationError,
  RpcTimeoutError,
} from './rpc-errors.js';
import { FrameDecoder, encodeFrame } from './rpc-framing.js';
import type { CallMessage, ErrorMessage, ResultMessage, ServerCallMessage } from './rpc-protocol.js';
import {
  RPC_PROTOCOL_VERSION,
  parseAuth,
  parseCall,
  parseHello,
  parseServerCallMessage,
  parseServerHandshake,
  rejectionToError,
  toWireError,
} from './rpc-protocol.js';

// ------------------------------------------------------------------------------------ timers

/** setTimeout stores its delay in a signed 32-bit integer and fires at once above it. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface CallTimer {
  cancel(): void;
}

/**
 * Runs `onTimeout` once `timeoutMs` have passed. A timer's start is the event loop's cached time,
 * which can lag behind the real clock, so a plain setTimeout may fire a little early; this one
 * checks the monotonic clock and waits out the remainder, so "timed out after N ms" is true.
 */
export function startCallTimer(timeoutMs: number, onTimeout: () => void): CallTimer {
  const start = performance.now();
  let handle: NodeJS.Timeout;
  const check = (): void => {
    const left = timeoutMs - (performance.now() - start);
    if (left > 0) {
      handle = setTimeout(check, Math.min(Math.ceil(left), MAX_TIMER_MS));
      return;
    }
    onTimeout();
  };
  handle = setTimeout(check, Math.min(timeoutMs, MAX_TIMER_MS));
  return { cancel: () => clearTimeout(handle) };
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

// ------------------------------------------------------------------------------- outbound

export interface OutboundConnectionOptions {
  /** Host as given to net.connect (IPv6 without brackets). */
  readonly host: string;
  readonly port: number;
  /** This process's advertised base address, announced to the server for its onDisconnect. */
  readonly localAddress: string;
  readonly secret: string;
  /** Deadline for the TCP connect plus the handshake. */
  readonly handshakeTimeoutMs: number;
  readonly maxFrameBytes: number;
  readonly logger: Logger;
  /** Called once when the connection ends; `established` when it had been authenticated. */
  readonly onClosed: (connection: OutboundConnection, established: boolean) => void;
}

interface PendingCall {
  readonly endpoint: string;
  readonly method: string;
  readonly address: string;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  timer: CallTimer | undefined;
}

type CallFailure = (call: PendingCall) => Error;

/**
 * Carries calls to one remote service (`host:port`). The TCP connect starts at construction;
 * calls made before the handshake completes are queued and sent once it has. When the connection
 * ends for any reason, every pending call fails at once with the reason, and the owner is told
 * through `onClosed`; the connection is never reused after that.
 */
export class OutboundConnection {
  readonly base: string;
  private state: 'awaiting-hello' | 'awaiting-welcome' | 'ready' | 'closed' = 'awaiting-hello';
  private readonly socket: Socket;
  private readonly decoder: FrameDecoder;
  private readonly pending = new Map<number, PendingCall>();
  /** Frames of calls made before the handshake completed. */
  private queued: { readonly id: number; readonly frame: Buffer }[] = [];
  private nextId = 1;
  private clientNonce: Uint8Array = new Uint8Array(0);
  private serverNonce: Uint8Array = new Uint8Array(0);
  private readonly handshakeTimer: CallTimer;
  private socketError: Error | undefined;

  constructor(private readonly options: OutboundConnectionOptions) {
    this.base = formatBaseAddress(options.host, options.port);
    this.decoder = new FrameDecoder(options.maxFrameBytes);
    this.socket = netConnect({ host: options.host, port: options.port });
    // Calls are small request/response messages; Nagle's algorithm would delay each by up to 40 ms.
    this.socket.setNoDelay(true);
    // Keep-alive probes notice a peer host that vanished without closing (power loss, network
    // partition) on connections with no call in flight.
    this.socket.setKeepAlive(true, 30_000);
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', (e) => {
      this.socketError = e;
    });
    this.socket.on('close', () => this.onSocketClosed());
    this.handshakeTimer = startCallTimer(options.handshakeTimeoutMs, () => {
      const reason = `no RPC handshake within ${options.handshakeTimeoutMs} ms; is ${this.base} the RPC port of a flink-ts process?`;
      this.options.logger.warn(`Could not connect to the RPC service at ${this.base}: ${reason}`);
      this.fail((c) => RpcConnectionError.cannotConnect(c.method, c.address, reason));
    });
  }

  get closed(): boolean {
    return this.state === 'closed';
  }

  /**
   * Sends one call. Resolves with the method's result; rejects with RpcTimeoutError after
   * `timeoutMs`, with the method's error as RemoteRpcError, with the service's rejection
   * (unknown endpoint or method, fencing), or with RpcConnectionError/RpcAuthenticationError when
   * the connection fails.
   */
  call(
    endpoint: string,
    method: string,
    args: unknown[],
    fencingToken: string | undefined,
    timeoutMs: number,
    address: string,
  ): Promise<unknown> {
    if (this.state === 'closed') {
      return Promise.reject(RpcConnectionError.connectionLost(method, address, 'the connection is closed'));
    }
    const id = this.nextId++;
    const message: CallMessage = {
      t: 'call',
      id,
      target: endpoint,
      method,
      args,
      ...(fencingToken === undefined ? {} : { fencingToken }),
    };
    let frame: Buffer;
    try {
      frame = encodeFrame(message, this.options.maxFrameBytes);
    } catch (e) {
      return Promise.reject(
        new RpcSerializationError(`Could not send ${method} to ${address}: its arguments are ${describe(e)}.`, { cause: e }),
      );
    }
    return new Promise((resolve, reject) => {
      const call: PendingCall = { endpoint, method, address, resolve, reject, timer: undefined };
      call.timer = startCallTimer(timeoutMs, () => {
        this.pending.delete(id);
        reject(new RpcTimeoutError(method, address, timeoutMs));
      });
      this.pending.set(id, call);
      if (this.state === 'ready') this.socket.write(frame);
      else this.queued.push({ id, frame });
    });
  }

  /** Ends the connection, failing its pending calls with `failure`. Idempotent. */
  close(failure: CallFailure): void {
    this.fail(failure);
  }

  private onData(chunk: Buffer): void {
    try {
      for (const message of this.decoder.push(chunk)) {
        if (this.state === 'closed') return;
        this.handle(message);
      }
    } catch (e) {
      if (this.state === 'closed') return;
      const reason = `protocol error: ${describe(e)}`;
      this.options.logger.warn(`Closing the RPC connection to ${this.base}: ${reason}`);
      const established = this.state === 'ready';
      this.fail((c) =>
        established
          ? RpcConnectionError.connectionLost(c.method, c.address, reason, e)
          : RpcConnectionError.cannotConnect(c.method, c.address, reason, e),
      );
    }
  }

  private handle(message: unknown): void {
    switch (this.state) {
      case 'awaiting-hello':
        this.onHello(message);
        return;
      case 'awaiting-welcome':
        this.onHandshakeAnswer(message);
        return;
      case 'ready':
        this.onReply(parseServerCallMessage(message));
        return;
      case 'closed':
        return;
    }
  }

  private onHello(message: unknown): void {
    const hello = parseHello(message);
    if (hello.v !== RPC_PROTOCOL_VERSION) {
      this.failVersion(hello.v);
      return;
    }
    if (!isValidNonce(hello.nonce)) throw new RpcProtocolError('received a challenge of the wrong size');
    this.serverNonce = hello.nonce;
    this.clientNonce = createNonce();
    this.socket.write(
      encodeFrame(
        {
          t: 'auth',
          v: RPC_PROTOCOL_VERSION,
          proof: clientProof(this.options.secret, this.serverNonce, this.clientNonce),
          nonce: this.clientNonce,
          address: this.options.localAddress,
        },
        this.options.maxFrameBytes,
      ),
    );
    this.state = 'awaiting-welcome';
  }

  private onHandshakeAnswer(message: unknown): void {
    const answer = parseServerHandshake(message);
    if (answer.t === 'refused') {
      if (answer.reason === 'version') {
        this.failVersion(answer.v);
        return;
      }
      this.options.logger.warn(
        `The RPC service at ${this.base} refused this process: the cluster secret does not match (security.cluster-secret).`,
      );
      this.fail(() => RpcAuthenticationError.refusedByServer(this.base));
      return;
    }
    const expected = serverProof(this.options.secret, this.clientNonce, this.serverNonce);
    if (!proofsEqual(expected, answer.proof)) {
      this.options.logger.warn(
        `Closing the RPC connection to ${this.base}: the process there does not know the cluster secret (security.cluster-secret).`,
      );
      this.fail(() => RpcAuthenticationError.serverUnproven(this.base));
      return;
    }
    this.state = 'ready';
    this.handshakeTimer.cancel();
    const advertised = answer.address === this.base ? '' : ` (which calls itself ${answer.address})`;
    this.options.logger.info(`Connected to the RPC service at ${this.base}${advertised}.`);
    const queued = this.queued;
    this.queued = [];
    for (const { id, frame } of queued) {
      // A call that timed out while waiting for the handshake is not sent at all.
      if (this.pending.has(id)) this.socket.write(frame);
    }
  }

  private onReply(reply: ServerCallMessage): void {
    const call = this.pending.get(reply.id);
    // No pending call: it timed out, and its late answer is dropped.
    if (call === undefined) return;
    this.pending.delete(reply.id);
    call.timer?.cancel();
    if (reply.t === 'result') {
      call.resolve(reply.value);
      return;
    }
    call.reject(this.replyError(reply, call));
  }

  private replyError(reply: ErrorMessage, call: PendingCall): Error {
    if (reply.rejection !== undefined) {
      return rejectionToError(reply.rejection, {
        endpoint: call.endpoint,
        method: call.method,
        address: call.address,
        serviceAddress: this.base,
      });
    }
    const e = reply.error;
    return new RemoteRpcError(call.method, call.address, e.class, e.code, e.message, e.stack);
  }

  private failVersion(remoteVersion: number): void {
    const reason =
      `the process at ${this.base} speaks RPC protocol version ${remoteVersion}, this one version ` +
      `${RPC_PROTOCOL_VERSION}; run the same flink-ts version on every process`;
    this.options.logger.warn(`Could not connect to the RPC service at ${this.base}: ${reason}.`);
    this.fail((c) => RpcConnectionError.cannotConnect(c.method, c.address, reason));
  }

  private onSocketClosed(): void {
    if (this.state === 'closed') return;
    const established = this.state === 'ready';
    const reason = this.socketError?.message ?? 'closed by the remote process';
    if (established) this.options.logger.warn(`Lost the RPC connection to ${this.base}: ${reason}.`);
    else this.options.logger.info(`Could not connect to the RPC service at ${this.base}: ${reason}.`);
    this.fail((c) =>
      established
        ? RpcConnectionError.connectionLost(c.method, c.address, reason, this.socketError)
        : RpcConnectionError.cannotConnect(c.method, c.address, reason, this.socketError),
    );
  }

  private fail(failure: CallFailure): void {
    if (this.state === 'closed') return;
    const established = this.state === 'ready';
    this.state = 'closed';
    this.handshakeTimer.cancel();
    this.socket.destroy();
    this.queued = [];
    const calls = [...this.pending.values()];
    this.pending.clear();
    for (const call of calls) {
      call.timer?.cancel();
      call.reject(failure(call));
    }
    this.options.onClosed(this, established);
  }
}

// -------------------------------------------------------------------------------- inbound

export interface InboundConnectionOptions {
  /** This process's advertised base address, sent to the client in the welcome. */
  readonly localAddress: string;
  readonly secret: string;
  /** Deadline for the client to authenticate; a silent connection is closed after it. */
  readonly handshakeTimeoutMs: number;
  readonly maxFrameBytes: number;
  readonly logger: Logger;
  /** Runs one call; never rejects (failures are error messages). */
  readonly dispatch: (call: CallMessage) => Promise<ResultMessage | ErrorMessage>;
  /** Called once when the socket has closed; `peerAddress` only if the client had authenticated. */
  readonly onClosed: (connection: InboundConnection, peerAddress: string | undefined) => void;
}

/**
 * Serves one client. Challenges it on accept, refuses it (with the reason, then closes) when it
 * does not prove the cluster secret, and otherwise runs its calls concurrently, answering each as
 * it completes.
 */
export class InboundConnection {
  /** The socket's remote `ip:port`, for log lines about clients that have not authenticated. */
  readonly remote: string;
  private state: 'awaiting-auth' | 'ready' | 'closed' = 'awaiting-auth';
  private peerAddress: string | undefined;
  private readonly serverNonce = createNonce();
  private readonly decoder: FrameDecoder;
  private readonly handshakeTimer: CallTimer;
  private socketError: Error | undefined;
  /** Set when this side cut the connection, which has already been logged with its reason. */
  private terminatedLocally = false;

  constructor(
    private readonly socket: Socket,
    private readonly options: InboundConnectionOptions,
  ) {
    this.remote = formatBaseAddress(socket.remoteAddress ?? 'unknown', socket.remotePort ?? 0);
    this.decoder = new FrameDecoder(options.maxFrameBytes);
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 30_000);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (e) => {
      this.socketError = e;
    });
    socket.on('close', () => this.onSocketClosed());
    this.handshakeTimer = startCallTimer(options.handshakeTimeoutMs, () => {
      if (this.state !== 'awaiting-auth') return;
      options.logger.warn(
        `Closing the RPC connection from ${this.remote}: it did not authenticate within ${options.handshakeTimeoutMs} ms.`,
      );
      this.terminate();
    });
    this.send({ t: 'hello', v: RPC_PROTOCOL_VERSION, nonce: this.serverNonce });
  }

  /** Closes the socket at once; answers of calls still running are dropped. */
  terminate(): void {
    this.terminatedLocally = true;
    this.state = 'closed';
    this.handshakeTimer.cancel();
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    try {
      for (const message of this.decoder.push(chunk)) {
        if (this.state === 'closed') return;
        if (this.state === 'awaiting-auth') this.onAuth(message);
        else this.onCall(parseCall(message));
      }
    } catch (e) {
      if (this.state === 'closed') return;
      const who = this.peerAddress === undefined ? this.remote : `${this.peerAddress} (${this.remote})`;
      this.options.logger.warn(`Closing the RPC connection from ${who}: protocol error: ${describe(e)}`);
      this.terminate();
    }
  }

  private onAuth(message: unknown): void {
    const auth = parseAuth(message);
    if (auth.v !== RPC_PROTOCOL_VERSION) {
      this.options.logger.warn(
        `Refused RPC connection from ${this.remote}: it speaks RPC protocol version ${auth.v}, ` +
          `this process version ${RPC_PROTOCOL_VERSION}.`,
      );
      this.refuse('version');
      return;
    }
    if (!isValidNonce(auth.nonce)) throw new RpcProtocolError('received a challenge of the wrong size');
    const expected = clientProof(this.options.secret, this.serverNonce, auth.nonce);
    if (!proofsEqual(expected, auth.proof)) {
      this.options.logger.warn(
        `Refused RPC connection from ${this.remote}: wrong cluster secret (security.cluster-secret)`,
      );
      this.refuse('secret');
      return;
    }
    this.send({ t: 'welcome', proof: serverProof(this.options.secret, auth.nonce, this.serverNonce), address: this.options.localAddress });
    this.state = 'ready';
    this.peerAddress = auth.address;
    this.handshakeTimer.cancel();
    this.options.logger.info(`Accepted RPC connection from ${auth.address} (${this.remote}).`);
  }

  /** Tells the client why before closing, so it can fail its calls with the real reason. */
  private refuse(reason: 'secret' | 'version'): void {
    this.state = 'closed';
    this.handshakeTimer.cancel();
    this.socket.end(encodeFrame({ t: 'refused', reason, v: RPC_PROTOCOL_VERSION }, this.options.maxFrameBytes));
    // end() waits for the client to close its side too; a client that never does is cut off.
    setTimeout(() => this.socket.destroy(), 5_000).unref();
  }

  private onCall(call: CallMessage): void {
    void this.options.dispatch(call).then((reply) => {
      if (this.state !== 'ready') return;
      try {
        this.sendReply(call, reply);
      } catch (e) {
        // Even the error reply could not be encoded (e.g. a gigantic error message): the caller
        // would wait for its timeout, so end the connection to fail its calls now.
        this.options.logger.warn(`Closing the RPC connection from ${this.peerAddress ?? this.remote}: ${describe(e)}`);
        this.terminate();
      }
    });
  }

  private sendReply(call: CallMessage, reply: ResultMessage | ErrorMessage): void {
    let frame: Buffer;
    try {
      frame = encodeFrame(reply, this.options.maxFrameBytes);
    } catch (e) {
      // The caller still gets an answer, naming the cause, instead of waiting for its timeout.
      const what = reply.t === 'result' ? 'result' : 'error';
      const error = new RpcSerializationError(`The ${what} of ${call.method} could not be sent back: it is ${describe(e)}.`, {
        cause: e,
      });
      frame = encodeFrame({ t: 'error', id: call.id, error: toWireError(error) }, this.options.maxFrameBytes);
    }
    this.socket.write(frame);
  }

  private send(message: unknown): void {
    this.socket.write(encodeFrame(message, this.options.maxFrameBytes));
  }

  private onSocketClosed(): void {
    this.state = 'closed';
    this.handshakeTimer.cancel();
    const peer = this.peerAddress;
    if (peer !== undefined && !this.terminatedLocally) {
      if (this.socketError === undefined) {
        this.options.logger.info(`The RPC connection from ${peer} (${this.remote}) was closed.`);
      } else {
        this.options.logger.warn(`Lost the RPC connection from ${peer} (${this.remote}): ${this.socketError.message}.`);
      }
    }
    this.options.onClosed(this, peer);
  }
}
