import type { INestApplicationContext } from '@nestjs/common';
import { AuditRepository } from '../audit/audit.repository';
import type { Client } from '../clients/client.entity';
import { ClientsService } from '../clients/clients.service';
import type { InitialAccessToken } from '../clients/initial-access-token.entity';
import { InitialAccessTokensService, UnknownPolicyError } from '../clients/initial-access-tokens.service';
import type { CliIo, ExitCode } from './commands';

interface OperatorCommand {
  usage: string;
  summary: string;
  run(app: INestApplicationContext, args: string[], io: CliIo): Promise<ExitCode>;
}

const DEFAULT_IAT_TTL_SECONDS = 7 * 86400;

/**
 * Operator commands for clients, initial access tokens (RFC 7591 §3) and the audit trail. Human
 * output by default, one JSON document with --json. Secrets (a minted token, a rotated client
 * secret) are printed once and never stored in plain text.
 */
export const CLIENT_COMMANDS: Record<string, OperatorCommand> = {
  'clients:list': {
    usage: 'clients:list [--limit <n>] [--json]',
    summary: 'List registered clients, newest first (default 100)',
    async run(app, args, io) {
      const parsed = parse(args, { flags: ['--json'], options: ['--limit'], positional: 0 });
      const limit = parsed && count(parsed.options['--limit'] ?? '100', 1, 10000);
      if (!parsed || limit === undefined) return usage(io, this.usage);
      const clients = await app.get(ClientsService).listClients(limit);
      if (parsed.json) return json(io, clients.map(clientSummary));
      if (clients.length === 0) io.out('No clients');
      for (const client of clients) {
        const c = clientSummary(client);
        io.out(`${c.client_id}  ${c.client_name ?? '(no name)'}  policy=${c.registration_policy}  auth=${c.token_endpoint_auth_method}  self-service=${c.self_service}  issued=${c.issued_at}  last-used=${c.last_used_at ?? 'never'}`);
      }
      return 0;
    },
  },
  'clients:show': {
    usage: 'clients:show <client_id> [--json]',
    summary: 'Show one client: metadata, policy, self-service lock, secret expiry, last use (never secrets)',
    async run(app, args, io) {
      const parsed = parse(args, { flags: ['--json'], options: [], positional: 1 });
      if (!parsed) return usage(io, this.usage);
      const client = await app.get(ClientsService).findClient(parsed.positional[0]);
      if (!client) return notFound(io, parsed.positional[0]);
      const details = clientDetails(client);
      if (parsed.json) return json(io, details);
      for (const [key, value] of Object.entries(details)) {
        if (key !== 'metadata') io.out(`${key}: ${value ?? '-'}`);
      }
      for (const [key, value] of Object.entries(details.metadata)) io.out(`metadata.${key}: ${JSON.stringify(value)}`);
      return 0;
    },
  },
  'clients:delete': {
    usage: 'clients:delete <client_id> [--json]',
    summary: 'Delete a client: its client_id, secret and registration access tokens stop working at once',
    async run(app, args, io) {
      const parsed = parse(args, { flags: ['--json'], options: [], positional: 1 });
      if (!parsed) return usage(io, this.usage);
      const clientId = parsed.positional[0];
      if (!(await app.get(ClientsService).deleteByOperator(clientId))) return notFound(io, clientId);
      return parsed.json ? json(io, { client_id: clientId, deleted: true }) : (io.out(`Client ${clientId} deleted`), 0);
    },
  },
  'clients:rotate-secret': {
    usage: 'clients:rotate-secret <client_id> [--grace-seconds <n>] [--json]',
    summary: 'Issue a new client secret (printed once); the old one keeps working for the grace period (default CLIENT_SECRET_ROTATION_GRACE_SECONDS)',
    async run(app, args, io) {
      const parsed = parse(args, { flags: ['--json'], options: ['--grace-seconds'], positional: 1 });
      const grace = parsed?.options['--grace-seconds'] === undefined ? null : count(parsed.options['--grace-seconds'], 0, 30 * 86400);
      if (!parsed || grace === undefined) return usage(io, this.usage);
      const clientId = parsed.positional[0];
      const rotated = await app.get(ClientsService).rotateSecret(clientId, grace ?? undefined);
      if (rotated === null) return notFound(io, clientId);
      if (rotated === 'public') {
        io.err(`Client ${clientId} is a public client (token_endpoint_auth_method none): it has no secret to rotate`);
        return 1;
      }
      const out = {
        client_id: clientId,
        client_secret: rotated.clientSecret,
        client_secret_expires_at: rotated.client.secretExpiresAt ? epoch(rotated.client.secretExpiresAt) : 0,
        previous_secret_valid_until: rotated.client.previousSecretExpiresAt?.toISOString() ?? null,
      };
      if (parsed.json) return json(io, out);
      io.out(`New client secret for ${clientId} (shown once): ${out.client_secret}`);
      io.out(`The previous secret keeps working until ${out.previous_secret_valid_until}`);
      return 0;
    },
  },
  'iat:mint': {
    usage: 'iat:mint --label <text> [--policy <name>] [--max-registrations <n>] [--expires-in <seconds|Nd|Nh>] [--json]',
    summary: 'Mint an initial access token (RFC 7591 §3), printed once; stored hashed. Default expiry 7d',
    async run(app, args, io) {
      const parsed = parse(args, { flags: ['--json'], options: ['--label', '--policy', '--max-registrations', '--expires-in'], positional: 0 });
      const label = parsed?.options['--label'];
      const max = parsed?.options['--max-registrations'] === undefined ? null : count(parsed.options['--max-registrations'], 1, 1_000_000);
      const ttl = parsed?.options['--expires-in'] === undefined ? DEFAULT_IAT_TTL_SECONDS : duration(parsed.options['--expires-in']);
      if (!parsed || !label || max === undefined || ttl === undefined) return usage(io, this.usage);
      try {
        const { token, record } = await app.get(InitialAccessTokensService).mint({
          label,
          policy: parsed.options['--policy'],
          maxRegistrations: max ?? undefined,
          ttlSeconds: ttl,
        });
        if (parsed.json) return json(io, { ...tokenSummary(record), initial_access_token: token });
        io.out(`Initial access token ${record.id} (policy ${record.policy}, ${record.maxRegistrations ?? 'unlimited'} registrations, expires ${record.expiresAt.toISOString()})`);
        io.out(`Token (shown once): ${token}`);
        return 0;
      } catch (error) {
        if (!(error instanceof UnknownPolicyError)) throw error;
        io.err(error.message);
        return 2;
      }
    },
  },
  'iat:list': {
    usage: 'iat:list [--json]',
    summary: 'List initial access tokens: policy, registrations left, expiry, revocation (never the token)',
    async run(app, args, io) {
      const parsed = parse(args, { flags: ['--json'], options: [], positional: 0 });
      if (!parsed) return usage(io, this.usage);
      const tokens = (await app.get(InitialAccessTokensService).list()).map(tokenSummary);
      if (parsed.json) return json(io, tokens);
      if (tokens.length === 0) io.out('No initial access tokens');
      for (const t of tokens) {
        io.out(`${t.id}  ${t.label}  policy=${t.policy}  remaining=${t.remaining ?? 'unlimited'}/${t.max_registrations ?? 'unlimited'}  expires=${t.expires_at}  ${t.status}`);
      }
      return 0;
    },
  },
  'iat:revoke': {
    usage: 'iat:revoke <id> [--json]',
    summary: 'Revoke an initial access token; clients already registered with it are kept',
    async run(app, args, io) {
      const parsed = parse(args, { flags: ['--json'], options: [], positional: 1 });
      if (!parsed || !/^[0-9a-f-]{36}$/i.test(parsed.positional[0])) return usage(io, this.usage);
      const id = parsed.positional[0];
      if (!(await app.get(InitialAccessTokensService).revoke(id))) {
        io.err(`No live initial access token with id ${id}`);
        return 1;
      }
      return parsed.json ? json(io, { id, revoked: true }) : (io.out(`Initial access token ${id} revoked`), 0);
    },
  },
  audit: {
    usage: 'audit [--client <client_id>] [--event <kind>] [--since <ISO date>] [--limit <n>] [--json]',
    summary: 'Show the audit trail, newest first: who did what to which client, when, from where (never secrets)',
    async run(app, args, io) {
      const parsed = parse(args, { flags: ['--json'], options: ['--client', '--event', '--since', '--limit'], positional: 0 });
      const limit = parsed && count(parsed.options['--limit'] ?? '100', 1, 1000);
      const since = parsed?.options['--since'] === undefined ? undefined : new Date(parsed.options['--since']);
      if (!parsed || limit === undefined || (since && Number.isNaN(since.getTime()))) return usage(io, this.usage);
      const events = await app.get(AuditRepository).list({ clientId: parsed.options['--client'], event: parsed.options['--event'], since, limit });
      const rows = events.map((e) => ({
        occurred_at: e.occurredAt.toISOString(),
        event: e.event,
        client_id: e.clientId,
        actor: e.actor,
        source_address: e.sourceAddress,
        request_id: e.requestId,
        details: e.details,
      }));
      if (parsed.json) return json(io, rows);
      if (rows.length === 0) io.out('No audit events');
      for (const r of rows) {
        io.out(`${r.occurred_at}  ${r.event}  client=${r.client_id ?? '-'}  by=${r.actor}  from=${r.source_address ?? '-'}  ${JSON.stringify(r.details)}`);
      }
      return 0;
    },
  },
};

interface Parsed {
  json: boolean;
  options: Record<string, string | undefined>;
  positional: string[];
}

/** Strict argument parsing: unknown options, missing values and extra arguments are refused. */
function parse(args: string[], spec: { flags: string[]; options: string[]; positional: number }): Parsed | undefined {
  const parsed: Parsed = { json: false, options: {}, positional: [] };
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i];
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (spec.flags.includes(name) && inline === undefined) {
      parsed.json = true;
    } else if (spec.options.includes(name)) {
      const value = inline ?? args[(i += 1)];
      if (value === undefined || value === '' || parsed.options[name] !== undefined) return undefined;
      parsed.options[name] = value;
    } else if (name.startsWith('--') && parsed.positional.length >= spec.positional) {
      return undefined;
    } else {
      parsed.positional.push(arg);
    }
  }
  return parsed.positional.length === spec.positional ? parsed : undefined;
}

function count(value: string, min: number, max: number): number | undefined {
  if (!/^\d+$/.test(value)) return undefined;
  const n = Number(value);
  return n >= min && n <= max ? n : undefined;
}

/** 3600, 12h, 7d → seconds; at most one year. */
function duration(value: string): number | undefined {
  const match = /^(\d+)([dhm]?)$/.exec(value);
  if (!match) return undefined;
  const seconds = Number(match[1]) * { '': 1, m: 60, h: 3600, d: 86400 }[match[2] as '' | 'm' | 'h' | 'd'];
  return seconds >= 60 && seconds <= 366 * 86400 ? seconds : undefined;
}

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

function json(io: CliIo, value: unknown): ExitCode {
  io.out(JSON.stringify(value, null, 2));
  return 0;
}

function usage(io: CliIo, text: string): ExitCode {
  io.err(`Usage: npm run cli -- ${text}`);
  return 2;
}

function notFound(io: CliIo, clientId: string): ExitCode {
  io.err(`No client with client_id ${clientId}`);
  return 1;
}
