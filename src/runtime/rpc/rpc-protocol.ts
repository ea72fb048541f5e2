/**
 * The messages of an RPC connection. The server speaks first (hello); after the mutual
 * authentication (auth → welcome, or refused), the client sends calls and the server answers
 * each with a result or an error carrying the same id, in any order.
 *
 * Messages are checked on arrival: a peer is authenticated, but it may run another version, and a
 * malformed message must close the connection rather than surface as a TypeError somewhere else.
 */
import { isFlinkTsError, ensureError } from '../../core/errors.js';
import {
  FencingTokenMismatchError,
  RpcEndpointNotFoundError,
  RpcMethodNotFoundError,
  RpcProtocolError,
} from './rpc-errors.js';

/** Bumped on incompatible changes; both sides must speak the same version. */
export const RPC_PROTOCOL_VERSION = 1;

// ---------------------------------------------------------------------------------- handshake

/** Server → client on accept: the server's challenge. */
export interface HelloMessage {
  readonly t: 'hello';
  readonly v: number;
  readonly nonce: Uint8Array;
}

/** Client → server: the answer to the challenge, the client's own challenge and who it is. */
export interface AuthMessage {
  readonly t: 'auth';
  readonly v: number;
  readonly proof: Uint8Array;
  readonly nonce: Uint8Array;
  /** The client's advertised base address (`host:port`), reported by onDisconnect. */
  readonly address: string;
}

/** Server → client: accepted, with the answer to the client's challenge. */
export interface WelcomeMessage {
  readonly t: 'welcome';
  readonly proof: Uint8Array;
  readonly address: string;
}

/** Server → client, then the server closes: tells the client why, so it can report it. */
export interface RefusedMessage {
  readonly t: 'refused';
  readonly reason: 'secret' | 'version';
  readonly v: number;
}

// ------------------------------------------------------------------------------------ calls

export interface CallMessage {
  readonly t: 'call';
  readonly id: number;
  /** Endpoint name at the server. */
  readonly target: string;
  readonly method: string;
  readonly args: unknown[];
  readonly fencingToken?: string;
}

export interface ResultMessage {
  readonly t: 'result';
  readonly id: number;
  readonly value: unknown;
}

export interface WireError {
  readonly class: string;
  readonly code?: string;
  readonly message: string;
  readonly stack: string;
}

/**
 * Why the service itself turned a call away before invoking the method. The caller rebuilds the
 * matching local error class from it, so that e.g. a fencing rejection is a
 * FencingTokenMismatchError wherever the endpoint runs.
 */
export type CallRejection =
  | { readonly kind: 'endpoint-not-found' }
  | { readonly kind: 'method-not-found' }
  | { readonly kind: 'fencing'; readonly given: string | null; readonly expected: string | null };

export interface ErrorMessage {
  readonly t: 'error';
  readonly id: number;
  readonly error: WireError;
  /** Present when the service rejected the call; absent when the method itself threw. */
  readonly rejection?: CallRejection;
}

export type ServerHandshakeMessage = WelcomeMessage | RefusedMessage;
export type ServerCallMessage = ResultMessage | ErrorMessage;

// ---------------------------------------------------------------------------------- parsing

function fail(what: string): never {
  throw new RpcProtocolError(`received a malformed ${what} message`);
}

function asRecord(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RpcProtocolError('received a message that is not an object');
  }
  return value as Record<string, unknown>;
}

function isBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array;
}

function isId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

export function parseHello(value: unknown): HelloMessage {
  const m = asRecord(value);
  if (m['t'] !== 'hello') throw new RpcProtocolError(`expected hello, received ${String(m['t'])}`);
  if (typeof m['v'] !== 'number' || !isBytes(m['nonce'])) fail('hello');
  return { t: 'hello', v: m['v'], nonce: m['nonce'] };
}

export function parseAuth(value: unknown): AuthMessage {
  const m = asRecord(value);
  if (m['t'] !== 'auth') throw new RpcProtocolError(`expected auth, received ${String(m['t'])}`);
  if (typeof m['v'] !== 'number' || !isBytes(m['proof']) || !isBytes(m['nonce']) || typeof m['address'] !== 'string') {
    fail('auth');
  }
  return { t: 'auth', v: m['v'], proof: m['proof'], nonce: m['nonce'], address: m['address'] };
}

export function parseServerHandshake(value: unknown): ServerHandshakeMessage {
  const m = asRecord(value);
  if (m['t'] === 'welcome') {
    if (!isBytes(m['proof']) || typeof m['address'] !== 'string') fail('welcome');
    return { t: 'welcome', proof: m['proof'], address: m['address'] };
  }
  if (m['t'] === 'refused') {
    const reason = m['reason'];
    if (reason !== 'secret' && reason !== 'version') fail('refused');
    return { t: 'refused', reason, v: typeof m['v'] === 'number' ? m['v'] : 0 };
  }
  throw new RpcProtocolError(`expected welcome or refused, received ${String(m['t'])}`);
}

export function parseCall(value: unknown): CallMessage {
  const m = asRecord(value);
  if (m['t'] !== 'call') throw new RpcProtocolError(`expected call, received ${String(m['t'])}`);
  const { id, target, method, args, fencingToken } = m;
  if (!isId(id) || typeof target !== 'string' || typeof method !== 'string' || !Array.isArray(args)) fail('call');
  if (fencingToken !== undefined && fencingToken !== null && typeof fencingToken !== 'string') fail('call');
  const call = { t: 'call' as const, id, target, method, args: args as unknown[] };
  return typeof fencingToken === 'string' ? { ...call, fencingToken } : call;
}

function parseWireError(value: unknown): WireError {
  const e = asRecord(value);
  if (typeof e['class'] !== 'string' || typeof e['message'] !== 'string') fail('error');
  const stack = typeof e['stack'] === 'string' ? e['stack'] : `${e['class']}: ${e['message']}`;
  const base = { class: e['class'], message: e['message'], stack };
  return typeof e['code'] === 'string' ? { ...base, code: e['code'] } : base;
}

function parseRejection(value: unknown): CallRejection | undefined {
  if (value === undefined || value === null) return undefined;
  const r = asRecord(value);
  const token = (v: unknown): string | null => (typeof v === 'string' ? v : null);
  switch (r['kind']) {
    case 'endpoint-not-found':
      return { kind: 'endpoint-not-found' };
    case 'method-not-found':
      return { kind: 'method-not-found' };
    case 'fencing':
      return { kind: 'fencing', given: token(r['given']), expected: token(r['expected']) };
    default:
      return fail('error');
  }
}

export function parseServerCallMessage(value: unknown): ServerCallMessage {
  const m = asRecord(value);
  if (!isId(m['id'])) fail(String(m['t']));
  if (m['t'] === 'result') return { t: 'result', id: m['id'], value: m['value'] };
  if (m['t'] === 'error') {
    const error = parseWireError(m['error']);
    const rejection = parseRejection(m['rejection']);
    return rejection === undefined
      ? { t: 'error', id: m['id'], error }
      : { t: 'error', id: m['id'], error, rejection };
  }
  throw new RpcProtocolError(`expected result or error, received ${String(m['t'])}`);
}

/** A thrown value as it travels back to the caller; keeps a string `code` (ours or Node's). */
export function toWireError(thrown: unknown): WireError {
  const err = ensureError(thrown);
  const base = { class: err.name, message: err.message, stack: err.stack ?? `${err.name}: ${err.message}` };
  const code = isFlinkTsError(err) ? err.code : (err as { code?: unknown }).code;
  return typeof code === 'string' ? { ...base, code } : base;
}

/**
 * The error a rejected call ends with at the caller; the same for a local and a remote endpoint.
 * `serviceAddress` is the base address of the service asked (or `local`), `address` the full one.
 */
export function rejectionToError(
  rejection: CallRejection,
  call: { readonly endpoint: string; readonly method: string; readonly address: string; readonly serviceAddress: string },
): Error {
  switch (rejection.kind) {
    case 'endpoint-not-found':
      return new RpcEndpointNotFoundError(call.endpoint, call.serviceAddress, call.method);
    case 'method-not-found':
      return new RpcMethodNotFoundError(call.method, call.address);
    case 'fencing':
      return new FencingTokenMismatchError(call.method, rejection.given ?? undefined, rejection.expected ?? undefined);
  }
}
