import { AppConfig } from '@app/config';
import { createLogger, PinoNestLogger } from '@app/logging';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../app.module';
import { databaseProblem } from '../startup-checks';
import type { CliIo, ExitCode } from './command';
import { executeCommand, parseCommandLine, usageError } from './command-line';
import { operatorSocketPath, sendToServer } from './operator-socket';
import { terminalSafeIo } from './terminal-text';

/**
 * Runs one operator command against the same configuration and database as the server. Arguments
 * are checked before anything is opened. On the embedded database, a running server executes the
 * command (cli/operator-socket.ts); otherwise this process opens the database.
 */
export async function runCli(argv: string[], config: AppConfig, rawIo: CliIo): Promise<ExitCode> {
  // Registrants choose client names and metadata: nothing reaches the terminal unescaped (terminal-text.ts).
  const io = terminalSafeIo(rawIo);
  const parsed = parseCommandLine(argv, io);
  if (typeof parsed === 'number') return parsed;
  const { name, command, args } = parsed;
  if (command.secret) {
    args.secret = io.readSecret ? await io.readSecret(command.secret) : '';
    if (!args.secret) return usageError(io, name, command, `no password on stdin (e.g. printf %s "$PASSWORD" | npm run cli -- ${name} ...)`);
  }
  const socket = operatorSocketPath(config);
  if (socket) {
    const remote = await sendToServer(socket, argv, args.secret, io);
    if (remote !== undefined) return remote;
  }
  const problem = await databaseProblem(config);
  if (problem) {
    io.err(problem);
    return 1;
  }
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config), {
    logger: new PinoNestLogger(createLogger(config.logging, 2), config.logging.moduleLevels),
    abortOnError: false,
  });
  try {
    return await executeCommand(name, command, app, args, io);
  } finally {
    await app.close();
  }
}
