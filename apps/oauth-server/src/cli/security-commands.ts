import { SigningKeysService } from '../authorization/keys/signing-keys.service';
import { ClientsService } from '../clients/clients.service';
import { Command, fail, printJson } from './command';

/**
 * Operator commands around the protected endpoints: which clients may introspect other clients'
 * tokens (RFC 7662 §4), and withdrawing a compromised signing key. Same style as cli/command.ts.
 */
export const SECURITY_COMMANDS: Record<string, Command> = {
  'clients:allow-introspection': {
    usage: 'clients:allow-introspection <client_id> [--json]',
    summary: "Let a resource server introspect tokens issued to other clients (RFC 7662 §4); without it a client introspects only its own tokens",
    positional: ['client_id'],
    json: true,
    async run(app, args, io) {
      return setIntrospection(await app.get(ClientsService).setIntrospectionAllowed(args.positional[0], true), args.positional[0], true, args.json, io);
    },
  },
  'clients:deny-introspection': {
    usage: 'clients:deny-introspection <client_id> [--json]',
    summary: 'Withdraw clients:allow-introspection: the client introspects only tokens issued to it again',
    positional: ['client_id'],
    json: true,
    async run(app, args, io) {
      return setIntrospection(await app.get(ClientsService).setIntrospectionAllowed(args.positional[0], false), args.positional[0], false, args.json, io);
    },
  },
  'keys:list': {
    usage: 'keys:list [--json]',
    summary: 'List the token signing keys: kid, created, retires, published until, revoked (never key material)',
    json: true,
    async run(app, args, io) {
      const keys = await app.get(SigningKeysService).list();
      if (args.json) return printJson(io, keys);
      if (keys.length === 0) io.out('No signing keys');
      for (const k of keys) {
        io.out(`${k.kid}  ${k.status}  created=${k.created_at}  retire=${k.retire_at}  published-until=${k.publish_until}${k.revoked_at ? `  revoked=${k.revoked_at}` : ''}`);
      }
      return 0;
    },
  },
  'keys:revoke': {
    usage: 'keys:revoke <kid> [--json]',
    summary:
      'Withdraw a compromised signing key: unpublished from the JWKS and its tokens refused at once (other instances within OAUTH_SIGNING_KEYS_CHECK_SECONDS); a new key signs if it was the current one',
    positional: ['kid'],
    json: true,
    async run(app, args, io) {
      const [kid] = args.positional;
      const { revoked, signingKid } = await app.get(SigningKeysService).revoke(kid);
      if (!revoked) return fail(io, `No unrevoked signing key with kid ${JSON.stringify(kid)} (see keys:list)`);
      if (args.json) return printJson(io, { kid, revoked: true, signing_kid: signingKid });
      io.out(`Signing key ${kid} revoked; signing with ${signingKid}`);
      return 0;
    },
  },
};

function setIntrospection(changed: boolean, clientId: string, allowed: boolean, json: boolean, io: Parameters<Command['run']>[2]) {
  if (!changed) return fail(io, `No client with client_id ${JSON.stringify(clientId)}`);
  if (json) return printJson(io, { client_id: clientId, introspection_allowed: allowed });
  io.out(allowed ? `Client ${clientId} may introspect tokens issued to other clients` : `Client ${clientId} introspects only its own tokens`);
  return 0;
}
