import { setRequestClientId } from '@app/logging';
import { InvalidClientError, InvalidRequestError } from '@app/oauth-errors';
import { Injectable, Logger } from '@nestjs/common';
import { decodeJwt } from 'jose';
import { ClientLookupService, RegisteredClient } from '../clients/client-lookup.service';
import { ClientAssertionVerifier, JWT_BEARER_ASSERTION_TYPE } from './client-assertion.verifier';

/**
 * RFC 6749 §2.3.1: where client credentials may come from — the Authorization header, or the
 * client_id and client_secret body parameters; RFC 7521 §4.2: or client_assertion_type and
 * client_assertion. Nothing else in the body (a form field named "authorization" above all) is
 * ever read as a credential.
 */
export interface ClientCredentials {
  /** The request's Authorization header, and only that. */
  header: string | string[] | undefined;
  /** The form body; only its client_id, client_secret, client_assertion_type and client_assertion are read. */
  body: { client_id?: unknown; client_secret?: unknown; client_assertion_type?: unknown; client_assertion?: unknown };
}

/**
 * RFC 6749 §2.3 client authentication at the token, revocation and introspection endpoints:
 * client_secret_basic, client_secret_post, private_key_jwt (RFC 7523 §2.2), or none (a public client
 * names itself with client_id). A client must use the method it registered (RFC 7591 §2
 * token_endpoint_auth_method).
 */
@Injectable()
export class ClientAuthenticator {
  private readonly logger = new Logger(ClientAuthenticator.name);

  constructor(
    private readonly clients: ClientLookupService,
    private readonly assertions: ClientAssertionVerifier,
  ) {}

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

    const { client_assertion_type: assertionType, client_assertion: assertion } = credentials.body;
    if (assertionType !== undefined || assertion !== undefined) {
      // RFC 6749 §2.3: a client MUST NOT use more than one authentication method per request
      if (basic || bodySecret !== undefined) throw new InvalidRequestError('use one client authentication method: client_assertion, HTTP Basic or client_secret');
      return this.withAssertion(bodyId as string | undefined, assertionType, assertion);
    }

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
    await this.clients.markUsed(client.clientId); // docs/operations.md §6 (a secret marks it in authenticate())
    return client;
  }

  /** RFC 7521 §4.2, RFC 7523 §2.2: client_id is optional; the assertion's sub names the client. */
  private async withAssertion(bodyId: string | undefined, assertionType: unknown, assertion: unknown): Promise<RegisteredClient> {
    if (typeof assertionType !== 'string' || typeof assertion !== 'string') {
      throw new InvalidRequestError('client_assertion_type and client_assertion go together, each once (RFC 7521 §4.2)');
    }
    if (assertionType !== JWT_BEARER_ASSERTION_TYPE) {
      throw new InvalidClientError(`client_assertion_type must be ${JWT_BEARER_ASSERTION_TYPE} (RFC 7523 §2.2)`);
    }
    let subject: unknown;
    try {
      subject = decodeJwt(assertion).sub;
    } catch {
      throw new InvalidClientError('client_assertion is not a JWT (RFC 7523 §2.2)');
    }
    if (typeof subject !== 'string' || subject === '') throw new InvalidClientError('client_assertion has no sub (RFC 7523 §3)');
    // RFC 7521 §4.2: a client_id sent with the assertion must name the same client
    if (bodyId !== undefined && bodyId !== subject) throw new InvalidClientError('client_id does not match the assertion sub (RFC 7521 §4.2)');
    const client = await this.clients.find(subject);
    if (!client || client.metadata.token_endpoint_auth_method !== 'private_key_jwt') {
      this.logger.warn({ client_id: subject.slice(0, 100) }, 'client authentication failed');
      throw new InvalidClientError('client authentication failed');
    }
    await this.assertions.verify(client, assertion);
    await this.clients.markUsed(client.clientId); // docs/operations.md §6
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
