/**
 * Finds the gateway of a component by its address. Components only ever talk through gateways
 * obtained here, so the same components run in one process (the local target binds the objects
 * directly) and across processes (a transport will bind proxies under the same addresses).
 */
export interface RpcService {
  connect<G>(address: string): G;
}

/** The in-process binding: addresses map to the component objects themselves. */
export class LocalRpcService implements RpcService {
  private readonly endpoints = new Map<string, unknown>();

  register(address: string, endpoint: unknown): void {
    this.endpoints.set(address, endpoint);
  }

  unregister(address: string): void {
    this.endpoints.delete(address);
  }

  connect<G>(address: string): G {
    const endpoint = this.endpoints.get(address);
    if (endpoint === undefined) throw new Error(`No RPC endpoint is registered under '${address}'.`);
    return endpoint as G;
  }
}
