/** The configuration that addresses the cluster whose REST API is at `http://host:port` (IPv6 in brackets). */
export function restAddressOverride(restAddress: string): { 'rest.address': string; 'rest.port': number } {
  const url = new URL(restAddress);
  return { 'rest.address': url.hostname.replace(/^\[(.*)\]$/, '$1'), 'rest.port': Number(url.port) };
}
