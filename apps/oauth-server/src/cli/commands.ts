import type { INestApplicationContext } from '@nestjs/common';
import { SelfService } from '../clients/client.entity';
import { ClientsService } from '../clients/clients.service';
import { CLIENT_COMMANDS } from './client-commands';
import { SigningKeysService } from '../authorization/keys/signing-keys.service';
import { UserCreationError, UsersService } from '../login/users.service';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** One line of secret input (a password) from stdin; never from argv, where `ps` and shell history see it. */
  readSecret?(prompt: string): Promise<string>;
}

/** Exit codes: 0 done, 1 the target does not exist, 2 bad arguments. */
export type ExitCode = 0 | 1 | 2;

interface Command {
  usage: string;
  summary: string;
  run(app: INestApplicationContext, args: string[], io: CliIo): Promise<ExitCode>;
}

const LOCK_MODES: SelfService[] = ['read-only', 'none'];

export const COMMANDS: Record<string, Command> = {
  'clients:lock': {
    usage: 'clients:lock <client_id> [--mode read-only|none]',
    summary: 'Restrict RFC 7592 self-service: read-only allows GET only; none (default) refuses all with 403',
    async run(app, args, io) {
      const [clientId, ...rest] = args;
      const mode = option(rest, '--mode') ?? 'none';
      if (!clientId || clientId === '--mode' || !LOCK_MODES.includes(mode as SelfService)) return usage(io, this.usage);
      const changed = await app.get(ClientsService).setSelfService(clientId, mode as SelfService);
      return report(io, changed, clientId, `locked (${mode})`);
    },
  },
  'clients:unlock': {
    usage: 'clients:unlock <client_id>',
    summary: 'Give the client full RFC 7592 self-service again',
    async run(app, args, io) {
      const [clientId] = args;
      if (!clientId || args.length !== 1) return usage(io, this.usage);
      return report(io, await app.get(ClientsService).setSelfService(clientId, 'full'), clientId, 'unlocked');
    },
  },
};

COMMANDS['users:create'] = {
  usage: 'users:create <username> [--email <address>] [--name <display name>]  (password on stdin)',
  summary: 'Create an end-user; reads the password from stdin, e.g. printf %s "$PASSWORD" | npm run cli -- users:create alice',
  async run(app, args, io) {
    const [username, ...rest] = args;
    if (!username || username.startsWith('--')) return usage(io, this.usage);
    if (!io.readSecret) {
      io.err('users:create needs the password on stdin');
      return 2;
    }
    const password = await io.readSecret('Password: ');
    try {
      await app.get(UsersService).create(username, password, { email: option(rest, '--email'), name: option(rest, '--name') });
    } catch (error) {
      if (!(error instanceof UserCreationError)) throw error;
      io.err(`User not created: ${error.message}`);
      return 1;
    }
    io.out(`User ${username} created`);
    return 0;
  },
};

// Issue 5: clients, initial access tokens and the audit trail (cli/client-commands.ts).
Object.assign(COMMANDS, CLIENT_COMMANDS);

COMMANDS['keys:rotate'] = {
  usage: 'keys:rotate',
  summary: 'Retire the current token signing key now and start signing with a new one (the old key stays published until its tokens expire)',
  async run(app, args, io) {
    if (args.length !== 0) return usage(io, this.usage);
    const kid = await app.get(SigningKeysService).rotate();
    io.out(`Signing with the new key ${kid}`);
    return 0;
  },
};

export function helpText(): string {
  const lines = Object.values(COMMANDS).map((command) => `  ${command.usage}\n      ${command.summary}`);
  return `Usage: npm run cli -- <command> [arguments]\n\nCommands:\n${lines.join('\n')}`;
}

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  if (index >= 0) return args[index + 1] ?? '';
  return args.find((arg) => arg.startsWith(`${name}=`))?.slice(name.length + 1);
}

function usage(io: CliIo, text: string): ExitCode {
  io.err(`Usage: npm run cli -- ${text}`);
  return 2;
}

function report(io: CliIo, changed: boolean, clientId: string, what: string): ExitCode {
  if (!changed) {
    io.err(`No client with client_id ${clientId}`);
    return 1;
  }
  io.out(`Client ${clientId} ${what}`);
  return 0;
}
