import type { AppConfig } from '@app/config';
import type { INestApplicationContext } from '@nestjs/common';
import { rmSync } from 'node:fs';
import { connect, createServer, Server, Socket } from 'node:net';
import { createInterface } from 'node:readline';
import type { Logger } from 'pino';
import { ArgumentError, CliIo, ExitCode } from './command';
import { COMMANDS } from './commands';
import { executeCommand, parseCommandLine } from './command-line';

/**
 * The embedded database (PGlite) lives inside the server process, so a second process cannot open
 * it. While the server runs, it listens on a unix socket beside the data directory
 * (`<PGLITE_DATA_DIR>.operator.sock`, mode 0600: only the server's OS user may connect) and runs
 * operator commands sent by `npm run cli` in its own process, against its own database. On
 * PostgreSQL the CLI opens the database itself and no socket is made. docs/operations.md,
 * "Operator commands while the server runs".
 *
 * Protocol: one JSON line in, `{ argv: string[], secret?: string }`; JSON lines out,
 * `{ out: string }` / `{ err: string }`, then `{ exit: 0 | 1 | 2 }`.
 */
export function operatorSocketPath(config: Pick<AppConfig, 'database'>): string | undefined {
  if (config.database.kind !== 'pglite' || config.database.dataDir.startsWith('memory://')) return undefined;
  return `${config.database.dataDir.replace(/\/+$/, '')}.operator.sock`;
}

export async function serveOperatorSocket(app: INestApplicationContext, path: string, logger: Logger): Promise<Server> {
  rmSync(path, { force: true }); // a socket file left by a server that crashed
  const server = createServer((socket) => void handle(app, socket, logger));
  const umask = process.umask(0o177); // the socket file is created 0600
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, resolve);
    });
  } finally {
    process.umask(umask);
  }
  process.once('exit', () => rmSync(path, { force: true }));
  return server;
}

async function handle(app: INestApplicationContext, socket: Socket, logger: Logger): Promise<void> {
  const send = (message: object) => socket.write(`${JSON.stringify(message)}\n`);
  const io: CliIo = { out: (line) => send({ out: line }), err: (line) => send({ err: line }) };
  let exit: ExitCode = 1;
  try {
    const line = await firstLine(socket);
    const request = JSON.parse(line) as { argv?: unknown; secret?: unknown };
    if (!Array.isArray(request.argv) || !request.argv.every((a) => typeof a === 'string')) throw new ArgumentError('bad request');
    const parsed = parseCommandLine(request.argv as string[], io);
    if (typeof parsed === 'number') {
      exit = parsed;
    } else {
      if (typeof request.secret === 'string') parsed.args.secret = request.secret;
      logger.info({ command: parsed.name }, 'operator command over the local socket');
      exit = await executeCommand(parsed.name, COMMANDS[parsed.name], app, parsed.args, io);
    }
  } catch (error) {
    io.err(`Error: ${error instanceof Error ? error.message : String(error)}`);
    exit = 1;
  }
  socket.end(`${JSON.stringify({ exit })}\n`);
}

function firstLine(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: socket });
    lines.once('line', (line) => {
      lines.close();
      resolve(line);
    });
    socket.once('error', reject);
    socket.once('end', () => reject(new Error('no command received')));
  });
}

/**
 * Sends the command to a running server's socket. undefined when no server listens there (no
 * socket file, or one left by a server that is gone): the caller then opens the database itself.
 */
export function sendToServer(path: string, argv: string[], secret: string | undefined, io: CliIo): Promise<ExitCode | undefined> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    let connected = false;
    let exit: ExitCode | undefined;
    socket.once('error', (error: NodeJS.ErrnoException) => {
      // No socket file, or one left by a server that is gone: nobody serves this data directory.
      if (!connected && (error.code === 'ENOENT' || error.code === 'ECONNREFUSED')) resolve(undefined);
      else reject(error);
    });
    socket.once('connect', () => {
      connected = true;
      // Read the answer only once connected: a readline over a socket that never connected re-emits its error.
      createInterface({ input: socket }).on('line', (line) => {
        const message = JSON.parse(line) as { out?: string; err?: string; exit?: ExitCode };
        if (message.out !== undefined) io.out(message.out);
        if (message.err !== undefined) io.err(message.err);
        if (message.exit !== undefined) exit = message.exit;
      });
      socket.write(`${JSON.stringify({ argv, secret })}\n`);
    });
    socket.once('close', () => {
      if (connected) {
        if (exit === undefined) reject(new Error('the server closed the operator socket without an answer'));
        else resolve(exit);
      }
    });
  });
}
