import { APP_CONFIG, AppConfig } from '@app/config';
import { randomToken } from '@app/crypto';
import { SecretHasher } from '@app/hashing';
import { asErrorDescription, ConsentRequiredError, InvalidRequestError, LoginRequiredError, OAuthError } from '@app/oauth-errors';
import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ClientLookupService, RegisteredClient } from '../clients/client-lookup.service';
import { ConsentService } from '../consent/consent.service';
import type { CurrentSession } from '../login/sessions.service';
import {
  assertWellFormedParams,
  AuthorizeError,
  AuthorizeRequest,
  isClientIdSyntax,
  RawParams,
  redirectHost,
  redirectTarget,
  verifyAuthorizeParams,
  verifyClientAndRedirect,
} from './authorize-request';
import { CodesRepository } from './codes.repository';

/** What /authorize does next. */
export type AuthorizeStep =
  | { kind: 'login' }
  | { kind: 'consent'; request: AuthorizeRequest; userId: string }
  | { kind: 'redirect'; location: string };

/** The /authorize decisions (RFC 6749 §4.1.1–4.1.2, OIDC Core §3.1.2) and code issuance. */
@Injectable()
export class AuthorizationService {
  constructor(
    private readonly clients: ClientLookupService,
    private readonly consent: ConsentService,
    private readonly codes: CodesRepository,
    private readonly hasher: SecretHasher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Verifies the request; throws AuthorizeError (with the redirect target once it is trusted). */
  async verify(params: RawParams): Promise<AuthorizeRequest> {
    assertWellFormedParams(params);
    const clientId = params.client_id;
    const client = isClientIdSyntax(clientId) ? await this.clients.find(clientId) : null;
    // docs/operations.md §6: an authorization request is a use of the client it names.
    if (client) await this.clients.markUsed(client.clientId);
    const verified = verifyClientAndRedirect(params, client);
    const state = typeof params.state === 'string' ? params.state : undefined;
    try {
      return verifyAuthorizeParams(params, verified, this.config);
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      throw new AuthorizeError(error, verified.redirectUri, state, verified.client);
    }
  }

  /**
   * RFC 9700 §4.11.2: an error goes back to the client automatically only if its redirect URI is
   * trusted — the operator vouched for the client (a `trusted` registration policy), or the
   * authenticated user already allowed this client. Otherwise (anyone's self-registered client, a
   * user not signed in) the error page stays on this server and offers the way on.
   */
  async mayRedirectError(client: RegisteredClient, session: CurrentSession | null): Promise<boolean> {
    if (client.trusted) return true;
    return session !== null && (await this.consent.hasGrant(session.userId, client.clientId));
  }

  /**
   * RFC 6749 §4.1.2.1: where an error response goes — error, error_description (one sanitizer with
   * the JSON errors, libs/oauth-errors) and state — or undefined when it goes nowhere: before the
   * client and redirect URI are verified, or for errors that must not be redirected.
   */
  errorRedirect(error: AuthorizeError): { client: RegisteredClient; location: string; host: string } | undefined {
    const oauth = error.error;
    if (!error.redirectUri || !error.client || !oauth.redirectable || !oauth.error) return undefined;
    const url = redirectTarget(error.redirectUri);
    if (!url) return undefined;
    const location = this.redirectLocation(error.redirectUri, {
      error: oauth.error,
      error_description: oauth.description ? asErrorDescription(oauth.description) : undefined,
      state: error.state,
    });
    return { client: error.client, location, host: redirectHost(url) };
  }

  /** The next step for a verified request and the browser's session (OIDC Core §3.1.2.3–3.1.2.4). */
  async decide(request: AuthorizeRequest, session: CurrentSession | null): Promise<AuthorizeStep> {
    const fail = (error: LoginRequiredError | ConsentRequiredError): never => {
      throw new AuthorizeError(error, request.redirectUri, request.state, request.client);
    };
    // OIDC Core §3.1.2.1 max_age: the last password entry must be at most that many seconds ago
    const tooOld =
      session !== null && request.maxAge !== undefined && Math.floor((Date.now() - session.authTime.getTime()) / 1000) > request.maxAge;
    if (session === null || tooOld || request.prompt.has('login')) {
      // OIDC Core §3.1.2.6: prompt=none never shows a page
      if (request.prompt.has('none')) return fail(new LoginRequiredError('the end-user is not logged in'));
      return { kind: 'login' };
    }
    // RFC 8707: consent is remembered per client and resource; a new resource needs a new decision
    const grantId = await this.consent.coveringGrant(session.userId, request.client.clientId, request.scopes, request.resources);
    if (grantId === null || request.prompt.has('consent')) {
      if (request.prompt.has('none')) return fail(new ConsentRequiredError('the end-user has not consented to these scopes'));
      return { kind: 'consent', request, userId: session.userId };
    }
    return { kind: 'redirect', location: await this.issueCode(request, session, grantId) };
  }

  /** The consent form's answer: Allow records the grant and issues the code; Deny → access_denied. */
  async allow(request: AuthorizeRequest, session: CurrentSession): Promise<string> {
    const grantId = await this.consent.grant(session.userId, request.client.clientId, request.scopes, request.resources);
    return this.issueCode(request, session, grantId);
  }

  /** RFC 6749 §4.1.2: a single-use, short-lived code bound to client, redirect URI and PKCE challenge. */
  private async issueCode(request: AuthorizeRequest, session: CurrentSession, grantId: string): Promise<string> {
    const code = randomToken(32);
    await this.codes.insert({
      codeHash: await this.hasher.hash(code),
      familyId: randomUUID(),
      clientId: request.client.clientId,
      userId: session.userId,
      grantId,
      redirectUri: request.redirectUriSent ? request.redirectUri : null,
      scope: request.scopes.join(' '),
      // RFC 8707 §2.1: the resources granted travel with the code to the token endpoint (§2.2)
      resources: request.resources,
      codeChallenge: request.codeChallenge ?? null,
      nonce: request.nonce ?? null,
      authTime: session.authTime,
      expiresAt: new Date(Date.now() + this.config.authorization.codeTtlSeconds * 1000),
      usedAt: null,
    });
    return this.redirectLocation(request.redirectUri, { code, state: request.state });
  }

  /**
   * RFC 6749 §4.1.2 / §4.1.2.1: parameters added to the redirect URI's query, keeping any query it
   * already has (§3.1.2); RFC 9207 §2: iss names this server in every response. Built on the WHATWG
   * serialization of the URI (redirectTarget), so the Location header is always printable ASCII.
   */
  redirectLocation(redirectUri: string, params: Record<string, string | undefined>): string {
    const url = redirectTarget(redirectUri);
    // Unreachable after verifyClientAndRedirect, which refuses such URIs with a page.
    if (!url) throw new AuthorizeError(new InvalidRequestError('the registered redirect_uri cannot be used'));
    const query = Object.entries({ ...params, iss: this.config.issuer })
      .filter((entry): entry is [string, string] => entry[1] !== undefined)
      .map(([name, value]) => `${name}=${encodeURIComponent(value)}`)
      .join('&');
    url.search = url.search.length > 1 ? `${url.search.slice(1)}&${query}` : query;
    return url.href;
  }
}
