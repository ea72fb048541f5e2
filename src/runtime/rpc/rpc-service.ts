/**
 * How components find each other. A component registers under a name; others obtain its gateway
 * by address and call its methods, which all return promises. The in-process binding calls the
 * object itself (the local target); the TCP transport binds proxies under the same gateways, so
 * the components do not know whether their peers are in the same process.
 *
 * Addresses are `name` for an endpoint of this service, or `host:port/name` for an endpoint of
 * the service listening at host:port. `addressOf(name)` gives the address other processes use.
 */
export interface RpcService {
  addressOf(name: string): string;
  register(name: string, endpoint: object, options?: RpcEndpointOptions): void;
  unregister(name: string): void;
  connect<G>(address: string, options?: RpcConnectOptions): G;
  /** Notifies when the connection to a remote service breaks (fast failure detection). */
  onDisconnect(listener: (remoteAddress: string) => void): () => void;
  close(): Promise<void>;
}

export interface RpcEndpointOptions {
  /**
   * The endpoint's current fencing token (Flink's leader id). Calls carrying another token are
   * rejected with FencingTokenMismatchError, so a stale leader's messages cannot act.
   */
  readonly fencingToken?: () => string | undefined;
}

export interface RpcConnectOptions {
  readonly fencingToken?: string;
  /** Deadline of each call; the transport's default (pekko.ask.timeout) otherwise. */
  readonly timeoutMs?: number;
}

/** The in-process binding: addresses map to the component objects themselves. */
export class LocalRpcService implements RpcService {
  private readonly endpoints = new Map<string, object>();

  addressOf(name: string): string {
    return name;
  }

  register(name: string, endpoint: object): void {
    this.endpoints.set(name, endpoint);
  }

  unregister(name: string): void {
    this.endpoints.delete(name);
  }

  connect<G>(address: string): G {
    const endpoint = this.endpoints.get(address);
    if (endpoint === undefined) throw new Error(`No RPC endpoint is registered under '${address}'.`);
    return endpoint as G;
  }

  onDisconnect(): () => void {
    return () => undefined;
  }

  close(): Promise<void> {
    this.endpoints.clear();
    return Promise.resolve();
  }
}
