import { APP_CONFIG, AppConfig } from '@app/config';
import { SecretHasher } from '@app/hashing';
import { InvalidGrantError, InvalidRequestError, InvalidScopeError, UnauthorizedClientError, UnsupportedGrantTypeError } from '@app/oauth-errors';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { RegisteredClient } from '../clients/client-lookup.service';
import { GRANT_TYPES } from '../clients/client-metadata';
import type { AccessTokenRecord } from './access-token.entity';
import type { AuthorizationCode } from './authorization-code.entity';
import { requestedScopes } from './authorize-request';
import { assertKnownResources, grantedSubset, requestedResources } from './resource-indicators';
import { CodesRepository } from './codes.repository';
import { isValidCodeVerifier, verifiesS256 } from './pkce';
import type { RefreshToken } from './refresh-token.entity';
import { TokenIssuerService, TokenResponse } from './token-issuer.service';
import { FamilyClaim, TokensRepository } from './tokens.repository';

export type TokenParams = Record<string, unknown>;

/** RFC 7662 §2.2 Introspection Response. */
export interface IntrospectionResponse {
  active: boolean;
  scope?: string;
  client_id?: string;
  token_type?: string;
  exp?: number;
  iat?: number;
  sub?: string;
  aud?: string | string[];
  iss?: string;
  jti?: string;
}

/** The token endpoint's grants (RFC 6749 §4.1.3, §4.4, §6), revocation (RFC 7009) and introspection (RFC 7662). */
@Injectable()
export class TokenService {
  private readonly logger = new Logger(TokenService.name);

  constructor(
    private readonly codes: CodesRepository,
    private readonly tokens: TokensRepository,
    private readonly issuer: TokenIssuerService,
    private readonly hasher: SecretHasher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async exchange(client: RegisteredClient, params: TokenParams): Promise<TokenResponse> {
    const grantType = stringParam(params, 'grant_type');
    // RFC 6749 §5.2: a missing parameter is invalid_request, an unknown grant type unsupported_grant_type
    if (grantType === undefined) throw new InvalidRequestError('grant_type is missing');
    if (!(GRANT_TYPES as readonly string[]).includes(grantType)) throw new UnsupportedGrantTypeError(`grant_type ${grantType.slice(0, 50)} is not supported`);
    // RFC 6749 §5.2 unauthorized_client: RFC 7591 §2 grant_types says which grants the client may use
    if (!(client.metadata.grant_types as string[]).includes(grantType)) {
      throw new UnauthorizedClientError(`the client is not registered for the ${grantType} grant`);
    }
    this.logger.log({ client_id: client.clientId, grant_type: grantType }, 'token request');
    if (grantType === 'authorization_code') return this.authorizationCode(client, params);
    if (grantType === 'refresh_token') return this.refreshToken(client, params);
    return this.clientCredentials(client, params);
  }

  /** RFC 6749 §4.1.3 Access Token Request, RFC 7636 §4.5–4.6. */
  private async authorizationCode(client: RegisteredClient, params: TokenParams): Promise<TokenResponse> {
    const value = stringParam(params, 'code');
    if (value === undefined) throw new InvalidRequestError('code is missing');
    const codeHash = await this.hasher.hash(value);
    const code = await this.codes.find(codeHash);
    if (!code) throw new InvalidGrantError('the authorization code is invalid, expired or already used');
    if (code.usedAt !== null) {
      // RFC 6749 §4.1.2: a code used twice MUST be refused and SHOULD revoke the tokens issued from it
      if (code.clientId === client.clientId) await this.revokeReplayedFamily(client, code.familyId, 'authorization code replayed');
      throw new InvalidGrantError('the authorization code is invalid, expired or already used');
    }
    let audience: string[] = [];
    try {
      this.checkCode(client, code, params);
      // RFC 8707 §2.2: the resources of the authorization request, or a subset; any other → invalid_target
      audience = this.grantedAudience(params, code.resources ?? []);
    } catch (error) {
      // A redemption that fails a check uses the code up: no second guess at the verifier or redirect_uri.
      await this.codes.burn(codeHash);
      throw error;
    }
    return this.issuer.issue(
      {
        clientId: client.clientId,
        scopes: code.scope.split(' '),
        user: { id: code.userId, authTime: code.authTime, grantId: code.grantId, familyId: code.familyId },
        nonce: code.nonce ?? undefined,
        refresh: client.metadata.grant_types.includes('refresh_token') ? undefined : 'none',
        audience,
        // RFC 8707 §2.2: "any refresh token that is returned is bound to the full original grant"
        grantedResources: code.resources ?? [],
      },
      // RFC 6749 §4.1.2: the code is marked used in the transaction that stores its tokens, under the
      // family's lock; a concurrent redemption that lost revokes them (test/e2e/rfc9700/refresh-token-protection.e2e-spec.ts).
      (access, refresh) =>
        this.storeInFamily(client, code.familyId, (manager) => this.codes.claim(manager, codeHash), access, refresh, 'authorization code replayed'),
    );
  }

  /** RFC 6749 §4.1.3 and RFC 7636 §4.6: the checks of a code redemption; throws invalid_grant. */
  private checkCode(client: RegisteredClient, code: AuthorizationCode, params: TokenParams): void {
    const verifier = stringParam(params, 'code_verifier');
    const redirectUri = stringParam(params, 'redirect_uri');
    // RFC 6749 §4.1.3: the code was issued to this client
    if (code.clientId !== client.clientId) throw new InvalidGrantError('the authorization code was not issued to this client');
    if (code.expiresAt.getTime() <= Date.now()) throw new InvalidGrantError('the authorization code has expired');
    // RFC 6749 §4.1.3: redirect_uri REQUIRED and identical when it was in the authorization request
    if (code.redirectUri !== null && redirectUri !== code.redirectUri) {
      throw new InvalidGrantError('redirect_uri does not match the authorization request');
    }
    if (code.codeChallenge !== null) {
      // RFC 7636 §4.6: the verifier must hash to the challenge; a missing one fails the same way
      if (verifier === undefined) throw new InvalidGrantError('code_verifier is missing (the request used PKCE)');
      if (!isValidCodeVerifier(verifier) || !verifiesS256(verifier, code.codeChallenge)) {
        this.logger.warn({ client_id: client.clientId }, 'PKCE verification failed');
        throw new InvalidGrantError('code_verifier does not match the code_challenge');
      }
    } else if (verifier !== undefined) {
      // RFC 9700 §2.1.1: a verifier without a challenge means the request was tampered with (PKCE downgrade)
      throw new InvalidGrantError('code_verifier sent, but the authorization request had no code_challenge');
    }
  }

  /** RFC 6749 §6 Refreshing an Access Token, with rotation and reuse detection (RFC 9700 §4.14.2). */
  private async refreshToken(client: RegisteredClient, params: TokenParams): Promise<TokenResponse> {
    const value = stringParam(params, 'refresh_token');
    if (value === undefined) throw new InvalidRequestError('refresh_token is missing');
    const tokenHash = await this.hasher.hash(value);
    const token = await this.tokens.findRefreshToken(tokenHash);
    // RFC 6749 §6: bound to the client it was issued to
    if (!token || token.clientId !== client.clientId) throw new InvalidGrantError('the refresh token is invalid, expired or revoked');
    if (token.usedAt !== null || token.revokedAt !== null) {
      // RFC 9700 §4.14.2: a rotated-out or revoked token presented again means it leaked; revoke the whole family
      await this.revokeReplayedFamily(client, token.familyId, 'refresh token reused');
      throw new InvalidGrantError('the refresh token is invalid, expired or revoked');
    }
    // Checked before the token is used up, so a refused request leaves it valid for a corrected retry.
    // RFC 9700 §4.14.2: the family's lifetime counts from the code exchange; rotation keeps expiresAt.
    if (token.expiresAt.getTime() <= Date.now()) throw new InvalidGrantError('the refresh token has expired');
    // RFC 6749 §6: a narrower scope may be requested, never a wider one (invalid_scope, RFC 6749 §5.2)
    const scopeParam = stringParam(params, 'scope');
    const scopes = scopeParam === undefined ? token.scope.split(' ') : requestedScopes(scopeParam, token.scope);
    // RFC 8707 §2.2: a refresh may narrow the audience to a subset of the grant's resources, never widen it
    const audience = this.grantedAudience(params, token.resources ?? []);
    return this.issuer.issue(
      {
        clientId: client.clientId,
        scopes,
        user: { id: token.userId, authTime: token.authTime, grantId: token.grantId, familyId: token.familyId },
        refresh: { expiresAt: token.expiresAt },
        audience,
        grantedResources: token.resources ?? [],
      },
      // RFC 9700 §4.14.2: the token is marked used in the transaction that stores its successor, under
      // the family's lock; a concurrent use that lost revokes the family, successor included.
      (access, refresh) =>
        this.storeInFamily(client, token.familyId, (manager) => this.tokens.claimRefreshToken(manager, tokenHash), access, refresh, 'refresh token reused'),
    );
  }

  /**
   * RFC 8707 §2 / §2.2 at the token endpoint: the requested resources must be well-formed, still
   * acceptable, and granted before (at /authorize); returns the access token's audience — the
   * requested subset, or all granted resources when none is named ([] → the default audience).
   */
  private grantedAudience(params: TokenParams, granted: readonly string[]): string[] {
    const requested = requestedResources(params.resource);
    assertKnownResources(requested, this.config);
    return grantedSubset(requested, granted);
  }

  private async storeInFamily(
    client: RegisteredClient,
    familyId: string,
    claim: FamilyClaim,
    access: AccessTokenRecord,
    refresh: RefreshToken | undefined,
    replay: string,
  ): Promise<void> {
    if ((await this.tokens.storeInFamily(familyId, claim, access, refresh)) === 'replayed') {
      this.logger.warn({ client_id: client.clientId }, `${replay}; token family revoked`);
      throw new InvalidGrantError('the authorization grant is invalid, expired, revoked or already used');
    }
  }

  private async revokeReplayedFamily(client: RegisteredClient, familyId: string, replay: string): Promise<void> {
    await this.tokens.revokeFamily(familyId);
    this.logger.warn({ client_id: client.clientId }, `${replay}; token family revoked`);
  }

  /** RFC 6749 §4.4 Client Credentials Grant: confidential clients only, no refresh token (§4.4.3). */
  private async clientCredentials(client: RegisteredClient, params: TokenParams): Promise<TokenResponse> {
    if (!client.confidential) throw new UnauthorizedClientError('client_credentials requires a confidential client');
    const scopeParam = stringParam(params, 'scope');
    // RFC 8707 §2.2: the client names the resources it will call; invalid or (restricted) unknown → invalid_target
    const audience = requestedResources(params.resource);
    assertKnownResources(audience, this.config);
    // Scopes about an end-user (and OIDC Core §11 offline_access) mean nothing when the client acts for itself.
    const registered = client.metadata.scope.split(' ').filter((scope) => !['openid', 'profile', 'email', 'offline_access'].includes(scope));
    // Only registered scopes: no user consents here, so a resource's scopes are not added as at /authorize
    const scopes = scopeParam === undefined ? registered : requestedScopes(scopeParam, registered.join(' '));
    if (scopeParam !== undefined && scopes.length === 0) throw new InvalidScopeError('no scope available for this grant');
    return this.issuer.issue({ clientId: client.clientId, scopes, refresh: 'none', audience });
  }

  /** RFC 7009 §2.1: revokes the token if this client owns it; unknown tokens are not an error (§2.2). */
  async revoke(client: RegisteredClient, token: string): Promise<void> {
    const refresh = await this.tokens.findRefreshToken(await this.hasher.hash(token));
    if (refresh) {
      if (refresh.clientId !== client.clientId) throw new InvalidRequestError('the token was not issued to this client');
      // RFC 7009 §2.1: revoking a refresh token SHOULD also revoke the access tokens of the same grant
      await this.tokens.revokeFamily(refresh.familyId);
      this.logger.log({ client_id: client.clientId }, 'refresh token revoked');
      return;
    }
    const claims = await this.issuer.verifyAccessToken(token);
    if (!claims) return;
    if (claims.client_id !== client.clientId) throw new InvalidRequestError('the token was not issued to this client');
    await this.tokens.revokeAccessToken(claims.jti);
    this.logger.log({ client_id: client.clientId }, 'access token revoked');
  }

  /**
   * RFC 7662 §2.2: active with its metadata, or just { active: false }. RFC 7662 §2.1 / §4: the
   * caller sees only tokens issued to itself, unless the operator made it a resource server allowed
   * to introspect (`clients:allow-introspection`); another client's token answers { active: false },
   * exactly like an unknown one, so the answer tells the caller nothing about it.
   */
  async introspect(caller: RegisteredClient, token: string): Promise<IntrospectionResponse> {
    const visible = (owner: string) => owner === caller.clientId || caller.introspectionAllowed === true;
    const refresh = await this.tokens.findRefreshToken(await this.hasher.hash(token));
    if (refresh) {
      const live = refresh.revokedAt === null && refresh.usedAt === null && refresh.expiresAt.getTime() > Date.now();
      // RFC 7662 §4: no token metadata for a caller the token was not issued to
      if (!live || !visible(refresh.clientId)) return { active: false };
      return {
        active: true,
        scope: refresh.scope,
        client_id: refresh.clientId,
        token_type: 'refresh_token',
        exp: Math.floor(refresh.expiresAt.getTime() / 1000),
        iat: Math.floor(refresh.createdAt.getTime() / 1000),
        sub: refresh.userId,
        iss: this.config.issuer,
      };
    }
    const claims = await this.issuer.verifyAccessToken(token);
    // RFC 7662 §4: no token metadata for a caller the token was not issued to
    if (!claims || !visible(claims.client_id)) return { active: false };
    return {
      active: true,
      scope: claims.scope,
      client_id: claims.client_id,
      token_type: 'Bearer',
      exp: claims.exp,
      iat: claims.iat,
      sub: claims.sub,
      aud: claims.aud,
      iss: claims.iss,
      jti: claims.jti,
    };
  }
}

/** RFC 6749 §3.2: a parameter sent more than once is invalid_request; an empty one counts as omitted. */
export function stringParam(params: TokenParams, name: string): string | undefined {
  const value = params[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new InvalidRequestError(`${name} must be sent once, as a string`);
  return value;
}
