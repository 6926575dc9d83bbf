import type { AppConfig } from '@app/config';
import type { FastifyServerOptions } from 'fastify';
import type { Server, ServerOptions } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Fastify and Node server timeouts (docs/operations.md, "Connections"). A request whose headers or
 * body never finish holds a socket, and so a file descriptor, until one of these closes it; Node's
 * own limit is 300 s for the whole request.
 * - headersTimeout: the request line and headers (Node answers 408 and closes).
 * - requestTimeout: the whole request, body included (Node answers 408 and closes).
 * - connectionTimeout: a socket that sends nothing for this long while a request is open is destroyed.
 * - keepAliveTimeout: an idle connection between two requests is closed.
 */
export function connectionTimeoutOptions(
  http: AppConfig['http'],
): Pick<FastifyServerOptions, 'connectionTimeout' | 'keepAliveTimeout' | 'requestTimeout'> & { http: ServerOptions } {
  return {
    connectionTimeout: http.idleTimeoutSeconds * 1000,
    keepAliveTimeout: http.keepAliveTimeoutSeconds * 1000,
    requestTimeout: http.requestTimeoutSeconds * 1000,
    http: {
      headersTimeout: http.headersTimeoutSeconds * 1000,
      // Node checks the two timeouts above every 30 s by default, which would let an expired
      // request live up to 30 s longer: check every second.
      connectionsCheckingInterval: 1000,
    },
  };
}

/**
 * Caps open connections: `maxConnections` in all (Node closes the ones beyond at once) and
 * `maxConnectionsPerAddress` from one peer address, so that one host cannot take every slot.
 * The peer is the TCP peer: behind a proxy that is the proxy, which is why the per-address cap is off
 * by default when HTTP_TRUST_PROXY is set. test/e2e/operations/connection-limits.e2e-spec.ts.
 */
export function limitConnections(server: Server, http: AppConfig['http']): void {
  server.maxConnections = http.maxConnections;
  const perAddress = http.maxConnectionsPerAddress;
  if (perAddress <= 0) return;
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress;
    if (address === undefined) return; // already closed by the peer
    const count = (open.get(address) ?? 0) + 1;
    if (count > perAddress) {
      socket.destroy();
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    });
  });
}
