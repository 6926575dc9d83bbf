import type { INestApplicationContext } from '@nestjs/common';
import { UserCreationError, UserRecord, UsersService } from '../login/users.service';
import { CliIo, Command, ExitCode, fail, integer, printJson, text } from './command';

/**
 * Operator commands for end-users. Passwords come from stdin only (never argv, which `ps` and shell
 * history see) and are stored as bcrypt hashes. A user is named by username or by id (the OIDC `sub`).
 */
export const USER_COMMANDS: Record<string, Command> = {
  'users:create': {
    usage: 'users:create <username> [--email <address>] [--name <display name>] [--json]  (password on stdin)',
    summary: 'Create an end-user; reads the password from stdin, e.g. printf %s "$PASSWORD" | npm run cli -- users:create alice',
    positional: ['username'],
    options: { '--email': text, '--name': text },
    json: true,
    secret: 'Password: ',
    async run(app, args, io) {
      const [username] = args.positional;
      try {
        const user = await app.get(UsersService).create(username, args.secret ?? '', {
          email: args.options['--email'] as string | undefined,
          name: args.options['--name'] as string | undefined,
        });
        return args.json ? printJson(io, { id: user.id, username: user.username, created: true }) : (io.out(`User ${username} created`), 0);
      } catch (error) {
        if (!(error instanceof UserCreationError)) throw error;
        return fail(io, `User not created: ${error.message}`);
      }
    },
  },
  'users:list': {
    usage: 'users:list [--limit <n>] [--json]',
    summary: 'List end-users, newest first (default 100): id, username, e-mail, created, disabled',
    options: { '--limit': integer(1, 10000) },
    json: true,
    async run(app, args, io) {
      const users = (await app.get(UsersService).list((args.options['--limit'] as number | undefined) ?? 100)).map(userSummary);
      if (args.json) return printJson(io, users);
      if (users.length === 0) io.out('No users. Create one with: printf %s "$PASSWORD" | npm run cli -- users:create alice');
      for (const u of users) io.out(`${u.id}  ${u.username}  email=${u.email ?? '-'}  created=${u.created_at}  ${u.disabled_at ? `disabled since ${u.disabled_at}` : 'active'}`);
      return 0;
    },
  },
  'users:show': {
    usage: 'users:show <username|id> [--json]',
    summary: 'Show one end-user (never the password hash)',
    positional: ['username|id'],
    json: true,
    async run(app, args, io) {
      return withUser(app, args.positional[0], io, async (user) => {
        const summary = userSummary(user);
        if (args.json) return printJson(io, summary);
        for (const [key, value] of Object.entries(summary)) io.out(`${key}: ${value ?? '-'}`);
        return 0;
      });
    },
  },
  'users:disable': {
    usage: 'users:disable <username|id> [--json]',
    summary: 'Disable an end-user: signed out everywhere, cannot sign in, refresh tokens and codes are refused (invalid_grant)',
    positional: ['username|id'],
    json: true,
    async run(app, args, io) {
      return withUser(app, args.positional[0], io, async (user) => {
        await app.get(UsersService).setDisabled(user.id, true);
        return args.json ? printJson(io, { id: user.id, username: user.username, disabled: true }) : (io.out(`User ${user.username} disabled`), 0);
      });
    },
  },
  'users:enable': {
    usage: 'users:enable <username|id> [--json]',
    summary: 'Enable a disabled end-user again (they sign in anew; refresh tokens issued before are usable again unless revoked)',
    positional: ['username|id'],
    json: true,
    async run(app, args, io) {
      return withUser(app, args.positional[0], io, async (user) => {
        await app.get(UsersService).setDisabled(user.id, false);
        return args.json ? printJson(io, { id: user.id, username: user.username, disabled: false }) : (io.out(`User ${user.username} enabled`), 0);
      });
    },
  },
  'users:delete': {
    usage: 'users:delete <username|id> [--json]',
    summary: 'Delete an end-user with their sessions, consents, codes and tokens (cannot be undone)',
    positional: ['username|id'],
    json: true,
    async run(app, args, io) {
      return withUser(app, args.positional[0], io, async (user) => {
        await app.get(UsersService).delete(user.id);
        return args.json ? printJson(io, { id: user.id, username: user.username, deleted: true }) : (io.out(`User ${user.username} deleted`), 0);
      });
    },
  },
  'users:set-password': {
    usage: 'users:set-password <username|id> [--json]  (new password on stdin)',
    summary: 'Set a new password (read from stdin); ends every session of the user',
    positional: ['username|id'],
    json: true,
    secret: 'New password: ',
    async run(app, args, io) {
      return withUser(app, args.positional[0], io, async (user) => {
        try {
          await app.get(UsersService).setPassword(user, args.secret ?? '');
        } catch (error) {
          if (!(error instanceof UserCreationError)) throw error;
          return fail(io, `Password not changed: ${error.message}`);
        }
        return args.json ? printJson(io, { id: user.id, username: user.username, password_changed: true }) : (io.out(`Password of ${user.username} changed; their sessions ended`), 0);
      });
    },
  },
  'users:sessions:revoke': {
    usage: 'users:sessions:revoke <username|id> [--json]',
    summary: 'Sign the user out everywhere: ends every login session (tokens already issued to apps are kept)',
    positional: ['username|id'],
    json: true,
    async run(app, args, io) {
      return withUser(app, args.positional[0], io, async (user) => {
        const ended = await app.get(UsersService).endSessions(user.id);
        return args.json ? printJson(io, { id: user.id, username: user.username, sessions_ended: ended }) : (io.out(`Ended ${ended} session(s) of ${user.username}`), 0);
      });
    },
  },
};

async function withUser(app: INestApplicationContext, name: string, io: CliIo, use: (user: UserRecord) => Promise<ExitCode>): Promise<ExitCode> {
  const user = await app.get(UsersService).find(name);
  return user ? use(user) : fail(io, `No user with username or id ${name}`);
}

function userSummary(user: UserRecord) {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    name: user.name,
    created_at: user.createdAt.toISOString(),
    disabled_at: user.disabledAt?.toISOString() ?? null,
  };
}
