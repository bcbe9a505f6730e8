import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const EVERY_INTERFACE = new Set(['0.0.0.0', '::']);

/**
 * Where the server really listens, for a person: the bound address, not Nest's guess (which prints
 * `[::1]` whatever the socket is bound to). Bound to every interface, it says so and gives a local URL.
 */
export function describeListenAddress(server: Server): { url: string; description: string } {
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  if (EVERY_INTERFACE.has(address)) {
    const url = `http://127.0.0.1:${port}`;
    return { url, description: `every interface (${host}:${port}), e.g. ${url}` };
  }
  const url = `http://${host}:${port}`;
  return { url, description: `${url} only (HOST=${address}; set HOST=0.0.0.0 to listen on every interface)` };
}
