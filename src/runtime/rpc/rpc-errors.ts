/**
 * The failures an RPC call can end with. Each class has a stable `code` so callers can branch on
 * the kind of failure (retry a timeout, give up on a wrong secret) without parsing messages, and
 * each message names the method and address involved and what the operator can do about it.
 */
import { FlinkTsError } from '../../core/errors.js';

/** The call got no answer within its deadline (`pekko.ask.timeout` unless the gateway set one). */
export class RpcTimeoutError extends FlinkTsError {
  constructor(
    readonly method: string,
    readonly address: string,
    readonly timeoutMs: number,
  ) {
    super(
      'ERR_RPC_TIMEOUT',
      `Invocation of ${method} at ${address} timed out after ${timeoutMs} ms: ` +
        'the remote process may be overloaded, dead or unreachable.',
    );
  }
}
Object.defineProperty(RpcTimeoutError.prototype, 'name', { value: 'RpcTimeoutError' });

const CHECK_PROCESS = 'check that the process is running and that the address is reachable from this host';

/**
 * The call could not reach its endpoint, or lost it: no connection could be made, the connection
 * broke while the call was pending, or the local service was closed. A call that fails while its
 * request was already sent may or may not have run remotely (at-most-once delivery).
 */
export class RpcConnectionError extends FlinkTsError {
  constructor(
    message: string,
    /** The address (`host:port/name`) the call was made to. */
    readonly address: string,
    readonly method: string | undefined,
    options?: { cause?: unknown },
  ) {
    super('ERR_RPC_CONNECTION', message, options);
  }

  static cannotConnect(method: string, address: string, reason: string, cause?: unknown): RpcConnectionError {
    return new RpcConnectionError(
      `Could not connect to ${address} to invoke ${method} (${reason}): ${CHECK_PROCESS}.`,
      address,
      method,
      cause === undefined ? undefined : { cause },
    );
  }

  static connectionLost(method: string, address: string, reason: string, cause?: unknown): RpcConnectionError {
    return new RpcConnectionError(
      `Connection to ${address} was lost while invoking ${method} (${reason}); ` +
        `the call may or may not have run there: ${CHECK_PROCESS}.`,
      address,
      method,
      cause === undefined ? undefined : { cause },
    );
  }

  static serviceClosed(method: string, address: string): RpcConnectionError {
    return new RpcConnectionError(
      `Invocation of ${method} at ${address} failed because the local RPC service was closed.`,
      address,
      method,
    );
  }
}
Object.defineProperty(RpcConnectionError.prototype, 'name', { value: 'RpcConnectionError' });

/** The two processes do not share the cluster secret, or the peer is not a cluster process. */
export class RpcAuthenticationError extends FlinkTsError {
  constructor(
    /** The base address (`host:port`) of the service that refused us or failed to prove itself. */
    readonly address: string,
    detail: string,
  ) {
    super(
      'ERR_RPC_AUTHENTICATION',
      `Could not authenticate the RPC connection to ${address}: ${detail}. ` +
        'Set the same security.cluster-secret on every JobManager and TaskManager process of the cluster.',
    );
  }

  static refusedByServer(address: string): RpcAuthenticationError {
    return new RpcAuthenticationError(address, 'the cluster secret does not match the one of that process');
  }

  static serverUnproven(address: string): RpcAuthenticationError {
    return new RpcAuthenticationError(
      address,
      'the cluster secret does not match (the process there could not prove that it knows this secret)',
    );
  }
}
Object.defineProperty(RpcAuthenticationError.prototype, 'name', { value: 'RpcAuthenticationError' });

/** Nothing is registered under the name at that address (not started yet, or already stopped). */
export class RpcEndpointNotFoundError extends FlinkTsError {
  constructor(
    readonly endpoint: string,
    /** The base address (`host:port`) of the service asked, or `local` for this process. */
    readonly serviceAddress: string,
    readonly method: string,
  ) {
    super(
      'ERR_RPC_ENDPOINT_NOT_FOUND',
      `No RPC endpoint '${endpoint}' at ${serviceAddress} (invoking ${method}): ` +
        'the component is not running there, or not yet.',
    );
  }
}
Object.defineProperty(RpcEndpointNotFoundError.prototype, 'name', { value: 'RpcEndpointNotFoundError' });

/** The endpoint exists but has no such method: usually processes of different flink-ts versions. */
export class RpcMethodNotFoundError extends FlinkTsError {
  constructor(
    readonly method: string,
    readonly address: string,
  ) {
    super(
      'ERR_RPC_METHOD_NOT_FOUND',
      `The RPC endpoint at ${address} has no method ${method}: ` +
        'check that every process of the cluster runs the same flink-ts version.',
    );
  }
}
Object.defineProperty(RpcMethodNotFoundError.prototype, 'name', { value: 'RpcMethodNotFoundError' });

/**
 * The call carried another fencing token than the endpoint's current one, typically a message of
 * a former leader; the method was not invoked.
 */
export class FencingTokenMismatchError extends FlinkTsError {
  constructor(
    readonly method: string,
    readonly givenToken: string | undefined,
    readonly expectedToken: string | undefined,
  ) {
    super(
      'ERR_FENCING_MISMATCH',
      `Fencing token mismatch: ignoring ${method} because the fencing token ${givenToken ?? '(none)'} ` +
        `did not match the expected token ${expectedToken ?? '(none)'}.`,
    );
  }
}
Object.defineProperty(FencingTokenMismatchError.prototype, 'name', { value: 'FencingTokenMismatchError' });

/** Arguments or a result that cannot travel: too large, or not plain data (e.g. a symbol). */
export class RpcSerializationError extends FlinkTsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_RPC_SERIALIZATION', message, options);
  }
}
Object.defineProperty(RpcSerializationError.prototype, 'name', { value: 'RpcSerializationError' });

/** The peer sent something that is not this protocol; the connection is closed. */
export class RpcProtocolError extends FlinkTsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_RPC_PROTOCOL', message, options);
  }
}
Object.defineProperty(RpcProtocolError.prototype, 'name', { value: 'RpcProtocolError' });

/** The service could not listen on any port it was given. */
export class RpcBindError extends FlinkTsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_RPC_BIND', message, options);
  }
}
Object.defineProperty(RpcBindError.prototype, 'name', { value: 'RpcBindError' });

/**
 * The remote method threw. The remote class name, code, message and stack are kept; the remote
 * failure is also the `cause`, so printing this error shows the remote stack.
 */
export class RemoteRpcError extends FlinkTsError {
  constructor(
    readonly method: string,
    readonly address: string,
    readonly remoteClass: string,
    readonly remoteCode: string | undefined,
    readonly remoteMessage: string,
    readonly remoteStack: string,
  ) {
    const cause = new Error(remoteMessage);
    Object.defineProperty(cause, 'name', { value: remoteClass });
    cause.stack = remoteStack;
    super('ERR_RPC_REMOTE', `Invocation of ${method} at ${address} failed: ${remoteClass}: ${remoteMessage}`, {
      cause,
    });
  }
}
Object.defineProperty(RemoteRpcError.prototype, 'name', { value: 'RemoteRpcError' });
