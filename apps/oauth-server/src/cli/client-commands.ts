import { AuditRepository } from '../audit/audit.repository';
import type { Client, SelfService } from '../clients/client.entity';
import { ClientsService } from '../clients/clients.service';
import type { InitialAccessToken } from '../clients/initial-access-token.entity';
import { InitialAccessTokensService, UnknownPolicyError } from '../clients/initial-access-tokens.service';
import { ArgumentError, CliIo, Command, ExitCode, duration, fail, integer, isoDate, oneOf, printJson, text } from './command';
import { printable } from './terminal-text';

const DEFAULT_IAT_TTL_SECONDS = 7 * 86400;
const LOCK_MODES = ['read-only', 'none'] as const satisfies readonly SelfService[];

/**
 * Operator commands for clients, initial access tokens (RFC 7591 §3) and the audit trail. Human
 * output by default, one JSON document with --json. Secrets (a minted token, a rotated client
 * secret) are printed once and never stored in plain text.
 */
export const CLIENT_COMMANDS: Record<string, Command> = {
  'clients:list': {
    usage: 'clients:list [--limit <n>] [--json]',
    summary: 'List registered clients, newest first (default 100)',
    options: { '--limit': integer(1, 10000) },
    json: true,
    async run(app, args, io) {
      const clients = await app.get(ClientsService).listClients((args.options['--limit'] as number | undefined) ?? 100);
      if (args.json) return printJson(io, clients.map(clientSummary));
      if (clients.length === 0) io.out('No clients');
      for (const client of clients) {
        const c = clientSummary(client);
        io.out(`${c.client_id}  ${c.client_name === undefined || c.client_name === null ? '(no name)' : printable(c.client_name)}  policy=${c.registration_policy}  auth=${c.token_endpoint_auth_method}  self-service=${c.self_service}  issued=${c.issued_at}  last-used=${c.last_used_at ?? 'never'}`);
      }
      return 0;
    },
  },
  'clients:show': {
    usage: 'clients:show <client_id> [--json]',
    summary: 'Show one client: metadata, policy, self-service lock, secret expiry, last use (never secrets)',
    positional: ['client_id'],
    json: true,
    async run(app, args, io) {
      const [clientId] = args.positional;
      const client = await app.get(ClientsService).findClient(clientId);
      if (!client) return notFound(io, clientId);
      const details = clientDetails(client);
      if (args.json) return printJson(io, details);
      for (const [key, value] of Object.entries(details)) {
        if (key !== 'metadata') io.out(`${key}: ${printable(value ?? '-')}`);
      }
      for (const [key, value] of Object.entries(details.metadata)) io.out(`metadata.${key}: ${JSON.stringify(value)}`);
      return 0;
    },
  },
  'clients:delete': {
    usage: 'clients:delete <client_id> [--json]',
    summary: 'Delete a client: its client_id, secret and registration access tokens stop working at once',
    positional: ['client_id'],
    json: true,
    async run(app, args, io) {
      const [clientId] = args.positional;
      if (!(await app.get(ClientsService).deleteByOperator(clientId))) return notFound(io, clientId);
      return args.json ? printJson(io, { client_id: clientId, deleted: true }) : (io.out(`Client ${clientId} deleted`), 0);
    },
  },
  'clients:rotate-secret': {
    usage: 'clients:rotate-secret <client_id> [--grace-seconds <n>] [--json]',
    summary: 'Issue a new client secret (printed once); the old one keeps working for the grace period (default CLIENT_SECRET_ROTATION_GRACE_SECONDS)',
    positional: ['client_id'],
    options: { '--grace-seconds': integer(0, 30 * 86400) },
    json: true,
    async run(app, args, io) {
      const [clientId] = args.positional;
      const rotated = await app.get(ClientsService).rotateSecret(clientId, args.options['--grace-seconds'] as number | undefined);
      if (rotated === null) return notFound(io, clientId);
      if (rotated === 'public') return fail(io, `Client ${clientId} is a public client (token_endpoint_auth_method none): it has no secret to rotate`);
      const out = {
        client_id: clientId,
        client_secret: rotated.clientSecret,
        client_secret_expires_at: rotated.client.secretExpiresAt ? epoch(rotated.client.secretExpiresAt) : 0,
        previous_secret_valid_until: rotated.client.previousSecretExpiresAt?.toISOString() ?? null,
      };
      if (args.json) return printJson(io, out);
      io.out(`New client secret for ${clientId} (shown once): ${out.client_secret}`);
      io.out(`The previous secret keeps working until ${out.previous_secret_valid_until}`);
      return 0;
    },
  },
  'clients:lock': {
    usage: 'clients:lock <client_id> [--mode read-only|none] [--json]',
    summary: 'Restrict RFC 7592 self-service: read-only allows GET only; none (default) refuses all with 403',
    positional: ['client_id'],
    options: { '--mode': oneOf(LOCK_MODES) },
    json: true,
    async run(app, args, io) {
      const [clientId] = args.positional;
      const mode = (args.options['--mode'] as SelfService | undefined) ?? 'none';
      if (!(await app.get(ClientsService).setSelfService(clientId, mode))) return notFound(io, clientId);
      return args.json ? printJson(io, { client_id: clientId, self_service: mode }) : (io.out(`Client ${clientId} locked (${mode})`), 0);
    },
  },
  'clients:unlock': {
    usage: 'clients:unlock <client_id> [--json]',
    summary: 'Give the client full RFC 7592 self-service again',
    positional: ['client_id'],
    json: true,
    async run(app, args, io) {
      const [clientId] = args.positional;
      if (!(await app.get(ClientsService).setSelfService(clientId, 'full'))) return notFound(io, clientId);
      return args.json ? printJson(io, { client_id: clientId, self_service: 'full' }) : (io.out(`Client ${clientId} unlocked`), 0);
    },
  },
  'iat:mint': {
    usage: 'iat:mint --label <text> [--policy <name>] [--max-registrations <n>] [--expires-in <seconds|Nm|Nh|Nd>] [--json]',
    summary: 'Mint an initial access token (RFC 7591 §3), printed once; stored hashed. Default expiry 7d',
    options: { '--label': text, '--policy': text, '--max-registrations': integer(1, 1_000_000), '--expires-in': duration },
    json: true,
    async run(app, args, io) {
      const label = args.options['--label'] as string | undefined;
      if (!label) throw new ArgumentError('--label is required: say who the token is for');
      try {
        const { token, record } = await app.get(InitialAccessTokensService).mint({
          label,
          policy: args.options['--policy'] as string | undefined,
          maxRegistrations: args.options['--max-registrations'] as number | undefined,
          ttlSeconds: (args.options['--expires-in'] as number | undefined) ?? DEFAULT_IAT_TTL_SECONDS,
        });
        if (args.json) return printJson(io, { ...tokenSummary(record), initial_access_token: token });
        io.out(`Initial access token ${record.id} (policy ${record.policy}, ${record.maxRegistrations ?? 'unlimited'} registrations, expires ${record.expiresAt.toISOString()})`);
        io.out(`Token (shown once): ${token}`);
        return 0;
      } catch (error) {
        if (!(error instanceof UnknownPolicyError)) throw error;
        io.err(error.message); // names the known policies: more use than the usage here
        return 2;
      }
    },
  },
  'iat:list': {
    usage: 'iat:list [--json]',
    summary: 'List initial access tokens: policy, registrations left, expiry, revocation (never the token)',
    json: true,
    async run(app, args, io) {
      const tokens = (await app.get(InitialAccessTokensService).list()).map(tokenSummary);
      if (args.json) return printJson(io, tokens);
      if (tokens.length === 0) io.out('No initial access tokens');
      for (const t of tokens) {
        io.out(`${t.id}  ${printable(t.label)}  policy=${t.policy}  remaining=${t.remaining ?? 'unlimited'}/${t.max_registrations ?? 'unlimited'}  expires=${t.expires_at}  ${t.status}`);
      }
      return 0;
    },
  },
  'iat:revoke': {
    usage: 'iat:revoke <id> [--json]',
    summary: 'Revoke an initial access token; clients already registered with it are kept',
    positional: ['id'],
    json: true,
    async run(app, args, io) {
      const [id] = args.positional;
      if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw new ArgumentError(`<id> must be a token id as iat:list shows it (a UUID), not "${id}"`);
      if (!(await app.get(InitialAccessTokensService).revoke(id))) return fail(io, `No live initial access token with id ${id}`);
      return args.json ? printJson(io, { id, revoked: true }) : (io.out(`Initial access token ${id} revoked`), 0);
    },
  },
  audit: {
    usage: 'audit [--client <client_id>] [--event <kind>] [--since <ISO date>] [--limit <n>] [--json]',
    summary: 'Show the audit trail, newest first: who did what to which client, when, from where (never secrets)',
    options: { '--client': text, '--event': text, '--since': isoDate, '--limit': integer(1, 1000) },
    json: true,
    async run(app, args, io) {
      const events = await app.get(AuditRepository).list({
        clientId: args.options['--client'] as string | undefined,
        event: args.options['--event'] as string | undefined,
        since: args.options['--since'] as Date | undefined,
        limit: (args.options['--limit'] as number | undefined) ?? 100,
      });
      const rows = events.map((e) => ({
        occurred_at: e.occurredAt.toISOString(),
        event: e.event,
        client_id: e.clientId,
        actor: e.actor,
        source_address: e.sourceAddress,
        request_id: e.requestId,
        details: e.details,
      }));
      if (args.json) return printJson(io, rows);
      if (rows.length === 0) io.out('No audit events');
      for (const r of rows) {
        io.out(`${r.occurred_at}  ${r.event}  client=${r.client_id ?? '-'}  by=${printable(r.actor)}  from=${r.source_address ?? '-'}  ${JSON.stringify(r.details)}`);
      }
      return 0;
    },
  },
};

function clientSummary(client: Client) {
  return {
    client_id: client.clientId,
    client_name: client.metadata.client_name ?? null,
    registration_policy: client.registrationPolicy ?? null,
    token_endpoint_auth_method: client.metadata.token_endpoint_auth_method,
    self_service: client.selfService,
    issued_at: client.issuedAt.toISOString(),
    last_used_at: client.lastUsedAt?.toISOString() ?? null,
  };
}

function clientDetails(client: Client) {
  return {
    ...clientSummary(client),
    initial_access_token_id: client.initialAccessTokenId ?? null,
    registered_from: client.registeredFrom ?? null,
    confidential: client.secretHash !== null,
    // RFC 7662 §4: clients:allow-introspection
    introspection_allowed: client.introspectionAllowed === true,
    client_secret_expires_at: client.secretExpiresAt?.toISOString() ?? (client.secretHash !== null ? 'never' : null),
    previous_secret_valid_until: client.previousSecretExpiresAt && client.previousSecretExpiresAt > new Date() ? client.previousSecretExpiresAt.toISOString() : null,
    updated_at: client.updatedAt.toISOString(),
    metadata: client.metadata as unknown as Record<string, unknown>,
  };
}

function tokenSummary(token: InitialAccessToken) {
  const status = token.revokedAt ? 'revoked' : token.expiresAt <= new Date() ? 'expired' : token.remaining === 0 ? 'used up' : 'active';
  return {
    id: token.id,
    label: token.label,
    policy: token.policy,
    max_registrations: token.maxRegistrations,
    remaining: token.remaining,
    expires_at: token.expiresAt.toISOString(),
    revoked_at: token.revokedAt?.toISOString() ?? null,
    created_at: token.createdAt.toISOString(),
    status,
  };
}

function epoch(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

function notFound(io: CliIo, clientId: string): ExitCode {
  return fail(io, `No client with client_id ${clientId}`);
}
