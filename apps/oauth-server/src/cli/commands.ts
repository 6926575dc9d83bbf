import { SigningKeysService } from '../authorization/keys/signing-keys.service';
import { CLIENT_COMMANDS } from './client-commands';
import { SECURITY_COMMANDS } from './security-commands';
import type { Command } from './command';
import { USER_COMMANDS } from './user-commands';

export type { CliIo, ExitCode } from './command';

const KEY_COMMANDS: Record<string, Command> = {
  'keys:rotate': {
    usage: 'keys:rotate [--json]',
    summary: 'Retire the current token signing key now and start signing with a new one (the old key stays published until its tokens expire)',
    json: true,
    async run(app, args, io) {
      const kid = await app.get(SigningKeysService).rotate();
      if (args.json) io.out(JSON.stringify({ kid }));
      else io.out(`Signing with the new key ${kid}`);
      return 0;
    },
  },
};

/** Every operator command: one style (cli/command.ts), grouped by what it manages. */
export const COMMANDS: Record<string, Command> = { ...USER_COMMANDS, ...CLIENT_COMMANDS, ...KEY_COMMANDS, ...SECURITY_COMMANDS };

export function helpText(): string {
  const lines = Object.values(COMMANDS).map((command) => `  ${command.usage}\n      ${command.summary}`);
  return `Usage: npm run cli -- <command> [arguments]\n\nCommands:\n${lines.join('\n')}`;
}
