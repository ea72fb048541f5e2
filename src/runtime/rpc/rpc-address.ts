/**
 * RPC addresses and port specifications. An address is `host:port/name` for an endpoint of the
 * service listening at host:port (IPv6 hosts in brackets), or a bare `name` for an endpoint of the
 * calling process's own service. Endpoint names may contain `/` (`taskmanager/<resourceId>`).
 */
import { FlinkTsError } from '../../core/errors.js';

export type ParsedRpcAddress =
  | { readonly kind: 'local'; readonly name: string }
  | {
      readonly kind: 'remote';
      /** Host as given to `net.connect` (IPv6 without brackets). */
      readonly host: string;
      readonly port: number;
      /** `host:port`, the key of the connection and what onDisconnect reports. */
      readonly base: string;
      readonly name: string;
    };

const REMOTE = /^(\[[^\]/]+\]|[^/:[\]]+):(\d{1,5})\/(.+)$/s;

/** `host:port`, with an IPv6 host in brackets so that the port stays unambiguous. */
export function formatBaseAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

export function parseRpcAddress(address: string): ParsedRpcAddress {
  const m = REMOTE.exec(address);
  if (m === null) {
    if (address.length === 0) throw new FlinkTsError('ERR_INVALID_ARGUMENT', 'An RPC address must not be empty.');
    return { kind: 'local', name: address };
  }
  const [, rawHost = '', rawPort = '', name = ''] = m;
  const port = Number(rawPort);
  if (port < 1 || port > 65535) {
    throw new FlinkTsError(
      'ERR_INVALID_ARGUMENT',
      `Invalid RPC address '${address}': the port must be between 1 and 65535.`,
    );
  }
  const host = rawHost.startsWith('[') ? rawHost.slice(1, -1) : rawHost;
  return { kind: 'remote', host, port, base: formatBaseAddress(host, port), name };
}

/**
 * Expands a port specification into the ports to try, in order: a number, or a string of
 * comma-separated ports and ranges (`"50100-50200"`, `"6123,50100-50110"`), as Flink's port
 * options accept. `0` (alone) lets the operating system choose.
 */
export function parsePortSpec(spec: number | string): number[] {
  const invalid = (why: string): FlinkTsError =>
    new FlinkTsError(
      'ERR_INVALID_ARGUMENT',
      `Invalid RPC port '${String(spec)}': ${why}. Use a port (0 for any free port), a range like ` +
        `'50100-50200', or a comma-separated list of both.`,
    );
  const checked = (n: number): number => {
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw invalid(`${n} is not a port number (0-65535)`);
    return n;
  };
  if (typeof spec === 'number') return [checked(spec)];
  const ports: number[] = [];
  for (const part of spec.split(',').map((p) => p.trim())) {
    const range = /^(\d+)\s*-\s*(\d+)$/.exec(part);
    if (range !== null) {
      const from = checked(Number(range[1]));
      const to = checked(Number(range[2]));
      if (from > to) throw invalid(`the range ${part} ends before it starts`);
      if (from === 0) throw invalid('0 (any free port) cannot be part of a range');
      for (let p = from; p <= to; p++) ports.push(p);
    } else if (/^\d+$/.test(part)) {
      ports.push(checked(Number(part)));
    } else {
      throw invalid(`'${part}' is neither a port nor a range`);
    }
  }
  if (ports.length > 1 && ports.includes(0)) throw invalid('0 (any free port) cannot be combined with other ports');
  return ports;
}
