import { APP_CONFIG, AppConfig } from '@app/config';
import { randomToken } from '@app/crypto';
import { SecretHasher } from '@app/hashing';
import { Inject, Injectable } from '@nestjs/common';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, SignJWT } from 'jose';
import { createHash, randomUUID } from 'node:crypto';
import { InvalidGrantError } from '@app/oauth-errors';
import { UsersService } from '../login/users.service';
import { SIGNING_ALG, SigningKeysService } from './keys/signing-keys.service';
import type { AccessTokenRecord } from './access-token.entity';
import { RefreshToken } from './refresh-token.entity';
import { accessTokenTtlFor } from './resource-indicators';
import { TokensRepository } from './tokens.repository';

/** RFC 6749 §5.1 Successful Response. */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  /** Absent when no scope was granted: RFC 6749 §3.3 defines scope as one or more tokens, so never "". */
  scope?: string;
  refresh_token?: string;
  id_token?: string;
}

export interface IssueRequest {
  clientId: string;
  scopes: string[];
  /** Absent for client_credentials (the client acts for itself). */
  user?: { id: string; authTime: Date; grantId: string; familyId: string };
  /** OIDC: nonce of the authorization request; only in the first ID token of a code. */
  nonce?: string;
  refresh?: { expiresAt: Date } | 'none';
  /**
   * RFC 8707 §2 / RFC 9068 §3: the protected resources the access token is for (its aud); absent or
   * empty → the default audience, this server's issuer (docs/grant-types.md, "Audience").
   */
  audience?: readonly string[];
  /** RFC 8707 §2.2: the resources of the original grant, kept by the refresh token; default []. */
  grantedResources?: readonly string[];
}

/**
 * Stores the records of one token response; throws (an OAuthError) to withhold the response. The
 * code exchange and refresh store through the family's lock (TokensRepository.storeInFamily).
 */
export type StoreIssuedTokens = (access: AccessTokenRecord, refresh: RefreshToken | undefined) => Promise<void>;

/** Verified claims of one of our access tokens. */
export interface AccessTokenClaims {
  jti: string;
  sub: string;
  client_id: string;
  scope: string;
  exp: number;
  iat: number;
  aud: string | string[];
  iss: string;
}

/**
 * Issues tokens: RFC 9068 JWT access tokens, OIDC ID tokens, opaque refresh tokens (stored as
 * HMACs). Every access token also gets a record (by jti) so that it can be revoked and introspected.
 */
@Injectable()
export class TokenIssuerService {
  constructor(
    private readonly keys: SigningKeysService,
    private readonly tokens: TokensRepository,
    private readonly hasher: SecretHasher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UsersService,
  ) {}

  async issue(request: IssueRequest, store: StoreIssuedTokens = (access, refresh) => this.tokens.store(access, refresh)): Promise<TokenResponse> {
    // RFC 6749 §5.2 invalid_grant: the resource owner's grant no longer holds once an operator
    // disabled or deleted the user, at code exchange and at every refresh (test/e2e/operations/users-cli.e2e-spec.ts).
    if (request.user && !(await this.users.isActive(request.user.id))) throw new InvalidGrantError('the user is disabled');
    const { idTokenTtlSeconds, refreshTokenTtlSeconds } = this.config.authorization;
    const audience = request.audience && request.audience.length > 0 ? [...request.audience] : [this.config.issuer];
    // A declared resource may ask for shorter-lived tokens (OAUTH_RESOURCES_FILE access_token_ttl_seconds)
    const ttl = accessTokenTtlFor(audience, this.config);
    const key = await this.keys.active();
    const now = Math.floor(Date.now() / 1000);
    const jti = randomUUID();
    const scope = request.scopes.join(' ');
    const user = request.user;
    // RFC 9068 §2.2: iss, exp, aud, sub, client_id, iat, jti; sub is the client for client_credentials
    const accessToken = await new SignJWT({
      client_id: request.clientId,
      scope,
      ...(user ? { auth_time: Math.floor(user.authTime.getTime() / 1000) } : {}),
    })
      .setProtectedHeader({ alg: SIGNING_ALG, kid: key.kid, typ: 'at+jwt' }) // RFC 9068 §2.1
      .setIssuer(this.config.issuer)
      .setSubject(user?.id ?? request.clientId)
      // RFC 9068 §3: aud is the resource parameter's value — one string for one resource, else an array
      .setAudience(audience.length === 1 ? audience[0] : audience)
      .setIssuedAt(now)
      .setExpirationTime(now + ttl)
      .setJti(jti)
      .sign(key.privateKey);

    const response: TokenResponse = { access_token: accessToken, token_type: 'Bearer', expires_in: ttl };
    // RFC 6749 §3.3, §5.1: an empty list is no scope at all (a client-credentials client with only user scopes)
    if (scope !== '') response.scope = scope;
    let refresh: RefreshToken | undefined;
    if (user && request.refresh !== 'none') {
      const value = randomToken(32);
      const createdAt = new Date();
      refresh = {
        tokenHash: await this.hasher.hash(value),
        familyId: user.familyId,
        clientId: request.clientId,
        userId: user.id,
        grantId: user.grantId,
        scope,
        resources: [...(request.grantedResources ?? [])],
        authTime: user.authTime,
        createdAt,
        expiresAt: request.refresh?.expiresAt ?? new Date(createdAt.getTime() + refreshTokenTtlSeconds * 1000),
        usedAt: null,
        revokedAt: null,
      };
      response.refresh_token = value;
    }
    if (user && request.scopes.includes('openid')) {
      // OIDC Core §2 and §3.1.3.6: the ID token with at_hash of the access token
      response.id_token = await new SignJWT({
        auth_time: Math.floor(user.authTime.getTime() / 1000),
        ...(request.nonce !== undefined ? { nonce: request.nonce } : {}),
        at_hash: halfHash(accessToken),
        azp: request.clientId,
      })
        .setProtectedHeader({ alg: SIGNING_ALG, kid: key.kid, typ: 'JWT' })
        .setIssuer(this.config.issuer)
        .setSubject(user.id)
        .setAudience(request.clientId)
        .setIssuedAt(now)
        .setExpirationTime(now + idTokenTtlSeconds)
        .sign(key.privateKey);
    }
    await store(
      {
        jti,
        familyId: user?.familyId ?? null,
        clientId: request.clientId,
        userId: user?.id ?? null,
        grantId: user?.grantId ?? null,
        scope,
        expiresAt: new Date((now + ttl) * 1000),
        revokedAt: null,
      },
      refresh,
    );
    return response;
  }

  /**
   * The claims of one of our access tokens when its signature, type (RFC 9068 §4), issuer, lifetime
   * and — when `audience` is given — audience check out and its record is neither revoked nor gone
   * (client deleted, consent withdrawn); otherwise null. Revocation and introspection take tokens for
   * any audience (RFC 8707: aud names the resource); this server's own resource (userinfo) passes its issuer.
   */
  async verifyAccessToken(token: string, audience?: string): Promise<AccessTokenClaims | null> {
    if (token.length > 4096 || token.split('.').length !== 3) return null;
    let claims: AccessTokenClaims;
    try {
      const { kid } = decodeProtectedHeader(token);
      const { payload } = await jwtVerify(token, createLocalJWKSet(await this.keys.verificationKeys(kid)), {
        issuer: this.config.issuer,
        ...(audience !== undefined ? { audience } : {}),
        typ: 'at+jwt',
        algorithms: [SIGNING_ALG],
      });
      claims = payload as unknown as AccessTokenClaims;
    } catch {
      return null;
    }
    if (typeof claims.jti !== 'string' || !/^[0-9a-f-]{36}$/.test(claims.jti)) return null;
    const record = await this.tokens.findAccessToken(claims.jti);
    if (!record || record.revokedAt !== null) return null;
    return claims;
  }
}

/** OIDC Core §3.1.3.6 at_hash: base64url of the left half of SHA-256 of the token's ASCII octets. */
export function halfHash(token: string): string {
  const digest = createHash('sha256').update(token, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}
