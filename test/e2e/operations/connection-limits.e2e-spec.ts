import { connect, Socket } from 'node:net';
import { createListeningTestApp, ListeningTestApp } from '../../support/listening-app';

interface Connection {
  socket: Socket;
  /** Everything the server sent, once it closed the connection. */
  closed: Promise<string>;
}

/** A raw TCP connection from `localAddress` (any 127.0.0.0/8 address is a distinct peer on Linux). */
async function open(app: ListeningTestApp, localAddress = '127.0.0.1'): Promise<Connection> {
  const { port } = new URL(app.baseUrl);
  const socket = connect({ host: '127.0.0.1', port: Number(port), localAddress });
  let received = '';
  socket.on('data', (chunk) => (received += String(chunk)));
  socket.on('error', () => undefined); // a reset by the server is one way of closing
  const closed = new Promise<string>((resolve) => socket.once('close', () => resolve(received)));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return { socket, closed };
}

/** A complete request on its own connection; resolves with the status line. */
async function statusLine(app: ListeningTestApp, localAddress = '127.0.0.1'): Promise<string> {
  const connection = await open(app, localAddress);
  connection.socket.write('GET /health/live HTTP/1.1\r\nHost: tessera.test\r\nConnection: close\r\n\r\n');
  return (await connection.closed).split('\r\n')[0];
}

const slowly = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Connections: slow or incomplete requests are closed, and connections are capped', () => {
  describe('timeouts (small values here; defaults in docs/operations.md)', () => {
    let app: ListeningTestApp;
    beforeAll(
      async () =>
        (app = await createListeningTestApp({
          HTTP_HEADERS_TIMEOUT_SECONDS: '1',
          HTTP_REQUEST_TIMEOUT_SECONDS: '2',
          HTTP_IDLE_TIMEOUT_SECONDS: '1',
          HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: '1',
        })),
    );
    afterAll(() => app.close());

    it('a body that never completes is closed by the server, even while bytes keep trickling in', async () => {
      const { socket, closed } = await open(app);
      socket.write('POST /register HTTP/1.1\r\nHost: tessera.test\r\nContent-Type: application/json\r\nContent-Length: 60000\r\n\r\n{"client_name":"');
      let stillOpen = true;
      void closed.then(() => (stillOpen = false));
      // One byte every 200 ms: never idle for the 1 s idle timeout, so only the request timeout ends it.
      while (stillOpen) {
        socket.write('a');
        await slowly(200);
      }
      const response = await closed;
      // Node answers 408 Request Timeout before closing when it can; a bare close is fine too.
      expect(response === '' || response.startsWith('HTTP/1.1 408')).toBe(true);
    });

    it('headers that never complete are closed by the server', async () => {
      const { socket, closed } = await open(app);
      socket.write('GET /health/live HTTP/1.1\r\nHost: tessera.test\r\nX-Slow: ');
      const response = await closed;
      expect(response === '' || response.startsWith('HTTP/1.1 408')).toBe(true);
    });

    it('a connection that sends nothing, and one left idle after a request, are closed by the server', async () => {
      const silent = await open(app);
      const idle = await open(app);
      idle.socket.write('GET /health/live HTTP/1.1\r\nHost: tessera.test\r\n\r\n');
      expect(await silent.closed).toBe('');
      expect(await idle.closed).toMatch(/^HTTP\/1\.1 200/);
    });
  });

  describe('caps', () => {
    let app: ListeningTestApp;
    beforeAll(async () => (app = await createListeningTestApp({ HTTP_MAX_CONNECTIONS: '3', HTTP_MAX_CONNECTIONS_PER_ADDRESS: '2' })));
    afterAll(() => app.close());

    it('HTTP_MAX_CONNECTIONS_PER_ADDRESS: one address cannot open more; another address still can; a slot frees on close', async () => {
      const first = await open(app, '127.0.0.1');
      const second = await open(app, '127.0.0.1');
      const refused = await open(app, '127.0.0.1');
      expect(await refused.closed).toBe(''); // closed at once, without a response
      expect(await statusLine(app, '127.0.0.2')).toBe('HTTP/1.1 200 OK');
      first.socket.destroy();
      await first.closed;
      await slowly(50); // the server sees the close on its next turn
      expect(await statusLine(app, '127.0.0.1')).toBe('HTTP/1.1 200 OK');
      second.socket.destroy();
    });

    it('HTTP_MAX_CONNECTIONS: beyond it every new connection is closed, whatever its address', async () => {
      const held = [await open(app, '127.0.0.1'), await open(app, '127.0.0.2'), await open(app, '127.0.0.3')];
      const refused = await open(app, '127.0.0.4');
      expect(await refused.closed).toBe('');
      for (const connection of held) connection.socket.destroy();
      await Promise.all(held.map((connection) => connection.closed));
      await slowly(50);
      expect(await statusLine(app, '127.0.0.4')).toBe('HTTP/1.1 200 OK');
    });
  });
});
