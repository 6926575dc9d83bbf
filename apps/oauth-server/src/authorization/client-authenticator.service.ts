import { setRequestClientId } from '@app/logging';
import { InvalidClientError, InvalidRequestError } from '@app/oauth-errors';
import { Injectable, Logger } from '@nestjs/common';
import { ClientLookupService, RegisteredClient } from '../clients/client-lookup.service';

/**
 * RFC 6749 §2.3.1: where client credentials may come from — the Authorization header, or the
 * client_id and client_secret body parameters. Nothing else in the body (a form field named
 * "authorization" above all) is ever read as a credential.
 */
export interface ClientCredentials {
  /** The request's Authorization header, and only that. */
  header: string | string[] | undefined;
  /** The form body; only its client_id and client_secret are read. */
  body: { client_id?: unknown; client_secret?: unknown };
}

/**
 * RFC 6749 §2.3 client authentication at the token, revocation and introspection endpoints:
 * client_secret_basic, client_secret_post, or none (a public client names itself with client_id).
 * A client must use the method it registered (RFC 7591 §2 token_endpoint_auth_method).
 */
@Injectable()
export class ClientAuthenticator {
  private readonly logger = new Logger(ClientAuthenticator.name);

  constructor(private readonly clients: ClientLookupService) {}

  async authenticate(credentials: ClientCredentials): Promise<RegisteredClient> {
    const client = await this.identify(credentials);
    setRequestClientId(client.clientId); // the request's log line names the client (docs/operations.md §2)
    return client;
  }

  private async identify(credentials: ClientCredentials): Promise<RegisteredClient> {
    const basic = parseBasic(credentials.header);
    const bodyId = credentials.body.client_id;
    const bodySecret = credentials.body.client_secret;
    if (bodyId !== undefined && typeof bodyId !== 'string') throw new InvalidRequestError('client_id must not be repeated');
    if (bodySecret !== undefined && typeof bodySecret !== 'string') throw new InvalidRequestError('client_secret must not be repeated');

    if (basic) {
      // RFC 6749 §2.3: a client MUST NOT use more than one authentication method per request
      if (bodySecret !== undefined) throw new InvalidRequestError('use either HTTP Basic or client_secret in the body, not both');
      if (bodyId !== undefined && bodyId !== basic.clientId) throw new InvalidRequestError('client_id does not match the Authorization header');
      return this.withSecret(basic.clientId, basic.secret, 'client_secret_basic');
    }
    if (typeof bodyId !== 'string' || bodyId === '') {
      throw new InvalidClientError('client authentication is required', { basicChallenge: true });
    }
    if (bodySecret !== undefined) return this.withSecret(bodyId, bodySecret, 'client_secret_post');

    const client = await this.clients.find(bodyId);
    // RFC 6749 §3.2.1: a public client identifies itself with client_id; a confidential one must authenticate
    if (!client || client.metadata.token_endpoint_auth_method !== 'none') {
      throw new InvalidClientError('client authentication failed', { basicChallenge: true });
    }
    return client;
  }

  private async withSecret(clientId: string, secret: string, method: 'client_secret_basic' | 'client_secret_post'): Promise<RegisteredClient> {
    const basicChallenge = method === 'client_secret_basic';
    const client = await this.clients.authenticate(clientId, secret);
    if (!client) {
      this.logger.warn({ client_id: clientId.slice(0, 100) }, 'client authentication failed');
      throw new InvalidClientError('client authentication failed', { basicChallenge });
    }
    if (client.metadata.token_endpoint_auth_method !== method) {
      throw new InvalidClientError(`this client is registered for ${client.metadata.token_endpoint_auth_method}`, { basicChallenge });
    }
    return client;
  }
}

/** RFC 6749 §2.3.1 / RFC 7617: Basic with the form-urlencoded client_id and secret. */
export function parseBasic(header: string | string[] | undefined): { clientId: string; secret: string } | undefined {
  if (typeof header !== 'string') return undefined;
  const match = /^Basic +([A-Za-z0-9+/]+=*) *$/i.exec(header);
  if (!match) {
    if (/^Basic\b/i.test(header)) throw new InvalidClientError('malformed Basic credentials', { basicChallenge: true });
    return undefined;
  }
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new InvalidClientError('malformed Basic credentials', { basicChallenge: true });
  try {
    return { clientId: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    throw new InvalidClientError('malformed Basic credentials', { basicChallenge: true });
  }
}

function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}
