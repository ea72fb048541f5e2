/**
 * The RpcService of cluster processes: endpoints are served over TCP, and gateways of remote
 * endpoints are proxies whose methods send calls. See rpc-protocol.ts for the messages,
 * rpc-framing.ts for the frames and rpc-authentication.ts for the handshake.
 *
 * Delivery is at most once: a call whose connection breaks fails at once with
 * RpcConnectionError, and is not retried, because it may have run already. Callers that need
 * retries (registration, heartbeats) have their own loops.
 */
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';

import { FlinkTsError, ensureError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { ParsedRpcAddress } from './rpc-address.js';
import { formatBaseAddress, parseRpcAddress, parsePortSpec } from './rpc-address.js';
import type { CallTimer } from './rpc-connection.js';
import { InboundConnection, OutboundConnection, startCallTimer } from './rpc-connection.js';
import { RpcBindError, RpcConnectionError, RpcTimeoutError } from './rpc-errors.js';
import { DEFAULT_MAX_FRAME_BYTES } from './rpc-framing.js';
import type { CallMessage, CallRejection, ErrorMessage, ResultMessage } from './rpc-protocol.js';
import { rejectionToError, toWireError } from './rpc-protocol.js';
import type { RpcConnectOptions, RpcEndpointOptions, RpcService } from './rpc-service.js';

export interface TcpRpcServiceOptions {
  /** Interface to listen on (`0.0.0.0` for all). */
  readonly bindHost: string;
  /** A port, 0 for any free port, or ports and ranges to try in order (`"50100-50200"`). */
  readonly port: number | string;
  /** Host that other processes use to reach this one; `bindHost` by default. */
  readonly advertisedHost?: string;
  /** `security.cluster-secret`; must be the same on every process of the cluster. */
  readonly secret: string;
  /** `pekko.ask.timeout`: default deadline of calls, and of connection handshakes. */
  readonly askTimeoutMs: number;
  readonly logger: Logger;
  /** Names the service in log lines (e.g. `jobmanager`). */
  readonly name?: string;
  /** Largest message accepted or sent. @default 64 MiB */
  readonly maxFrameBytes?: number;
}

interface RegisteredEndpoint {
  readonly endpoint: object;
  readonly fencingToken: (() => string | undefined) | undefined;
}

/** A call to an endpoint of this service, tracked so that close() can fail it. */
interface LocalCall {
  readonly method: string;
  readonly address: string;
  readonly reject: (error: unknown) => void;
  timer: CallTimer | undefined;
}

type Lookup =
  | { readonly ok: true; readonly endpoint: object; readonly fn: (...args: unknown[]) => unknown }
  | { readonly ok: false; readonly rejection: CallRejection };

/** Properties never treated as remote methods, so that the proxy is not taken for a promise or JSON. */
const NOT_METHODS = new Set(['then', 'toJSON']);

/**
 * Serves registered endpoints over TCP and connects to other processes' endpoints.
 *
 * One connection per remote `host:port`, opened by the first call and shared by all later ones;
 * if it breaks, its pending calls fail with RpcConnectionError, onDisconnect listeners hear of it,
 * and the next call opens a new one. Calls to this service's own addresses skip the network.
 */
export class TcpRpcService implements RpcService {
  /** The port listened on (the chosen one when given 0 or a range). */
  readonly port: number;
  private readonly advertisedBase: string;
  private readonly selfBases: ReadonlySet<string>;
  private readonly label: string;
  private readonly maxFrameBytes: number;
  private state: 'running' | 'closing' | 'closed' = 'running';
  private closePromise: Promise<void> | undefined;
  private readonly endpoints = new Map<string, RegisteredEndpoint>();
  private readonly outbound = new Map<string, OutboundConnection>();
  private readonly inbound = new Set<InboundConnection>();
  private readonly localCalls = new Set<LocalCall>();
  private readonly listeners = new Set<(remoteAddress: string) => void>();

  /**
   * Listens on the first free port of `options.port` and resolves once listening. Rejects with
   * RpcBindError when no port can be used, with FlinkTsError (ERR_INVALID_ARGUMENT) for invalid
   * options.
   */
  static async create(options: TcpRpcServiceOptions): Promise<TcpRpcService> {
    if (options.secret.length === 0) {
      throw new FlinkTsError(
        'ERR_INVALID_ARGUMENT',
        'The RPC service needs a cluster secret: set security.cluster-secret to the same non-empty value on every process.',
      );
    }
    checkTimeout(options.askTimeoutMs, 'pekko.ask.timeout');
    const ports = parsePortSpec(options.port);
    const server = await listenOnFirstFree(options.bindHost, ports, options.port);
    return new TcpRpcService(server, options);
  }

  private constructor(
    private readonly server: Server,
    private readonly options: TcpRpcServiceOptions,
  ) {
    this.port = (server.address() as AddressInfo).port;
    this.advertisedBase = formatBaseAddress(options.advertisedHost ?? options.bindHost, this.port);
    this.selfBases = new Set([this.advertisedBase, formatBaseAddress(options.bindHost, this.port)]);
    this.label = options.name === undefined ? 'RPC service' : `RPC service '${options.name}'`;
    this.maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    server.on('connection', (socket: Socket) => this.accept(socket));
    server.on('error', (e) => options.logger.error(`${this.label} at ${this.advertisedBase} failed to accept connections.`, e));
    options.logger.info(
      `Started ${this.label} on ${formatBaseAddress(options.bindHost, this.port)}, reachable at ${this.advertisedBase}.`,
    );
  }

  addressOf(name: string): string {
    return `${this.advertisedBase}/${name}`;
  }

  /**
   * Serves `endpoint` under `name`: its methods become callable at `addressOf(name)`. Throws if
   * the name is taken, so that two components cannot silently shadow each other.
   */
  register(name: string, endpoint: object, options?: RpcEndpointOptions): void {
    if (name.length === 0) throw new FlinkTsError('ERR_INVALID_ARGUMENT', 'An RPC endpoint name must not be empty.');
    if (this.endpoints.has(name)) {
      throw new FlinkTsError('ERR_ILLEGAL_STATE', `An RPC endpoint is already registered under '${name}' at ${this.advertisedBase}.`);
    }
    this.endpoints.set(name, { endpoint, fencingToken: options?.fencingToken });
  }

  unregister(name: string): void {
    this.endpoints.delete(name);
  }

  /**
   * A gateway for the endpoint at `address`. Every property is an async method that performs the
   * call (`then` and `toJSON` excepted). Nothing is checked or connected until the first call.
   */
  connect<G>(address: string, options?: RpcConnectOptions): G {
    const target = parseRpcAddress(address);
    const timeoutMs = options?.timeoutMs ?? this.options.askTimeoutMs;
    checkTimeout(timeoutMs, 'the RPC timeout');
    const fencingToken = options?.fencingToken;
    const local = target.kind === 'local' || this.selfBases.has(target.base);
    const fullAddress = target.kind === 'local' ? this.addressOf(target.name) : address;
    const methods = new Map<string, (...args: unknown[]) => Promise<unknown>>();
    const handler: ProxyHandler<object> = {
      get: (_target, property) => {
        if (typeof property !== 'string' || NOT_METHODS.has(property)) return undefined;
        let method = methods.get(property);
        if (method === undefined) {
          method = local
            ? (...args) => this.invokeLocal(target.name, property, args, fencingToken, timeoutMs, fullAddress)
            : (...args) => this.invokeRemote(target, property, args, fencingToken, timeoutMs, fullAddress);
          methods.set(property, method);
        }
        return method;
      },
    };
    return new Proxy({}, handler) as G;
  }

  /**
   * `listener` gets the base address (`host:port`) of a remote service whenever an authenticated
   * connection to it (ours) or from it (its announced address) ends while this service runs.
   * Returns the function that removes the listener.
   */
  onDisconnect(listener: (remoteAddress: string) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /**
   * Stops listening, closes every connection and fails every pending call with
   * RpcConnectionError, leaving no timer or socket behind. Later calls fail the same way.
   */
  close(): Promise<void> {
    this.closePromise ??= this.doClose();
    return this.closePromise;
  }

  private async doClose(): Promise<void> {
    this.state = 'closing';
    const stopped = new Promise<void>((resolve) => {
      this.server.close(() => resolve());
    });
    for (const connection of [...this.outbound.values()]) {
      connection.close((c) => RpcConnectionError.serviceClosed(c.method, c.address));
    }
    this.outbound.clear();
    for (const connection of [...this.inbound]) connection.terminate();
    for (const call of [...this.localCalls]) {
      call.timer?.cancel();
      call.reject(RpcConnectionError.serviceClosed(call.method, call.address));
    }
    this.localCalls.clear();
    await stopped;
    this.listeners.clear();
    this.state = 'closed';
    this.options.logger.info(`Stopped ${this.label} at ${this.advertisedBase}.`);
  }

  // ------------------------------------------------------------------------------- calling

  private invokeRemote(
    target: Extract<ParsedRpcAddress, { kind: 'remote' }>,
    method: string,
    args: unknown[],
    fencingToken: string | undefined,
    timeoutMs: number,
    address: string,
  ): Promise<unknown> {
    if (this.state !== 'running') return Promise.reject(RpcConnectionError.serviceClosed(method, address));
    let connection = this.outbound.get(target.base);
    if (connection === undefined || connection.closed) {
      connection = new OutboundConnection({
        host: target.host,
        port: target.port,
        localAddress: this.advertisedBase,
        secret: this.options.secret,
        handshakeTimeoutMs: this.options.askTimeoutMs,
        maxFrameBytes: this.maxFrameBytes,
        logger: this.options.logger,
        onClosed: (closed, established) => this.onOutboundClosed(closed, established),
      });
      this.outbound.set(target.base, connection);
    }
    return connection.call(target.name, method, args, fencingToken, timeoutMs, address);
  }

  /**
   * Calls an endpoint of this service directly: the arguments and the result are not copied, and
   * the endpoint's own error is rethrown as it is. The method still runs in a later microtask,
   * never inside the caller's synchronous code, as it would remotely.
   */
  private invokeLocal(
    name: string,
    method: string,
    args: unknown[],
    fencingToken: string | undefined,
    timeoutMs: number,
    address: string,
  ): Promise<unknown> {
    if (this.state !== 'running') return Promise.reject(RpcConnectionError.serviceClosed(method, address));
    return new Promise((resolve, reject) => {
      const call: LocalCall = { method, address, reject, timer: undefined };
      call.timer = startCallTimer(timeoutMs, () => {
        this.localCalls.delete(call);
        reject(new RpcTimeoutError(method, address, timeoutMs));
      });
      this.localCalls.add(call);
      const settle = (outcome: () => void): void => {
        // Already timed out or failed by close(): the late outcome is dropped, as a remote one is.
        if (!this.localCalls.delete(call)) return;
        call.timer?.cancel();
        outcome();
      };
      Promise.resolve()
        .then(() => {
          const found = this.lookup(name, method, fencingToken);
          if (!found.ok) {
            throw rejectionToError(found.rejection, { endpoint: name, method, address, serviceAddress: this.advertisedBase });
          }
          return found.fn.apply(found.endpoint, args);
        })
        .then(
          (value) => settle(() => resolve(value)),
          (e: unknown) => settle(() => reject(ensureError(e))),
        );
    });
  }

  /** Finds the method a call targets, or why the call must be rejected without running it. */
  private lookup(name: string, method: string, fencingToken: string | undefined): Lookup {
    const registered = this.endpoints.get(name);
    if (registered === undefined) return { ok: false, rejection: { kind: 'endpoint-not-found' } };
    const fn = (registered.endpoint as Record<string, unknown>)[method];
    // Object.prototype's members (constructor, toString, __proto__ accessors…) are not gateway
    // methods, and must not be reachable from another process.
    if (typeof fn !== 'function' || Object.prototype.hasOwnProperty.call(Object.prototype, method)) {
      return { ok: false, rejection: { kind: 'method-not-found' } };
    }
    if (registered.fencingToken !== undefined) {
      const expected = registered.fencingToken();
      // No current token (not the leader) rejects every call, as Flink's fenced endpoints do.
      if (expected === undefined || fencingToken !== expected) {
        return { ok: false, rejection: { kind: 'fencing', given: fencingToken ?? null, expected: expected ?? null } };
      }
    }
    return { ok: true, endpoint: registered.endpoint, fn: fn as (...args: unknown[]) => unknown };
  }

  // ------------------------------------------------------------------------------- serving

  private accept(socket: Socket): void {
    if (this.state !== 'running') {
      socket.destroy();
      return;
    }
    const connection = new InboundConnection(socket, {
      localAddress: this.advertisedBase,
      secret: this.options.secret,
      handshakeTimeoutMs: this.options.askTimeoutMs,
      maxFrameBytes: this.maxFrameBytes,
      logger: this.options.logger,
      dispatch: (call) => this.dispatch(call),
      onClosed: (closed, peerAddress) => {
        this.inbound.delete(closed);
        if (peerAddress !== undefined) this.notifyDisconnect(peerAddress);
      },
    });
    this.inbound.add(connection);
  }

  private async dispatch(call: CallMessage): Promise<ResultMessage | ErrorMessage> {
    try {
      const found = this.lookup(call.target, call.method, call.fencingToken);
      if (!found.ok) {
        const error = rejectionToError(found.rejection, {
          endpoint: call.target,
          method: call.method,
          address: this.addressOf(call.target),
          serviceAddress: this.advertisedBase,
        });
        return { t: 'error', id: call.id, error: toWireError(error), rejection: found.rejection };
      }
      const value = await found.fn.apply(found.endpoint, call.args);
      return { t: 'result', id: call.id, value };
    } catch (e) {
      return { t: 'error', id: call.id, error: toWireError(e) };
    }
  }

  // ------------------------------------------------------------------------------- lifecycle

  private onOutboundClosed(connection: OutboundConnection, established: boolean): void {
    if (this.outbound.get(connection.base) === connection) this.outbound.delete(connection.base);
    if (established) this.notifyDisconnect(connection.base);
  }

  private notifyDisconnect(remoteAddress: string): void {
    if (this.state !== 'running') return;
    for (const listener of [...this.listeners]) {
      try {
        listener(remoteAddress);
      } catch (e) {
        this.options.logger.warn(`An RPC disconnect listener failed for ${remoteAddress}: ${String(e)}`);
      }
    }
  }
}

function checkTimeout(ms: number, what: string): void {
  if (!Number.isFinite(ms) || ms <= 0) {
    throw new FlinkTsError('ERR_INVALID_ARGUMENT', `${what} must be a positive number of milliseconds, got ${ms}.`);
  }
}

function listen(host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

/** Tries the ports in order; a port in use moves on to the next, any other failure stops. */
async function listenOnFirstFree(host: string, ports: readonly number[], spec: number | string): Promise<Server> {
  for (const port of ports) {
    try {
      return await listen(host, port);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') continue;
      const why =
        code === 'EACCES'
          ? `permission denied for port ${port} (ports below 1024 need privileges)`
          : code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN'
            ? `${host} is not an address of this host`
            : (e as Error).message;
      throw new RpcBindError(`Could not start the RPC service on ${formatBaseAddress(host, port)}: ${why}.`, { cause: e });
    }
  }
  const what = ports.length === 1 ? `port ${String(spec)} is already in use` : `every port of ${String(spec)} is in use`;
  throw new RpcBindError(
    `Could not start the RPC service on ${host} port ${String(spec)}: ${what}. ` +
      'Stop the process using it, or configure another port or a range of ports.',
  );
}
