import type { INestApplicationContext } from '@nestjs/common';
import { ArgumentError, CliIo, Command, ExitCode, nearest, ParsedArgs, parseArgs } from './command';
import { COMMANDS, helpText } from './commands';

/** The command and its checked arguments, or the exit code after a help text or a one-line complaint. */
export function parseCommandLine(argv: string[], io: CliIo): { name: string; command: Command; args: ParsedArgs } | ExitCode {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    io.out(helpText());
    return name ? 0 : 2;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    const hint = nearest(name, Object.keys(COMMANDS));
    io.err(`Unknown command: ${name}.${hint ? ` Did you mean ${hint}?` : ''} "npm run cli -- help" lists every command.`);
    return 2;
  }
  try {
    return { name, command, args: parseArgs(command, rest) };
  } catch (error) {
    if (!(error instanceof ArgumentError)) throw error;
    return usageError(io, name, command, error.message);
  }
}

export async function executeCommand(name: string, command: Command, app: INestApplicationContext, args: ParsedArgs, io: CliIo): Promise<ExitCode> {
  try {
    return await command.run(app, args, io);
  } catch (error) {
    if (!(error instanceof ArgumentError)) throw error;
    return usageError(io, name, command, error.message);
  }
}

/** One line saying what is wrong, then the command's usage. */
export function usageError(io: CliIo, name: string, command: Command, problem: string): ExitCode {
  io.err(`${name}: ${problem}`);
  io.err(`Usage: npm run cli -- ${command.usage}`);
  return 2;
}
