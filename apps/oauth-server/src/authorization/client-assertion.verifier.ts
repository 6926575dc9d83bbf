import { APP_CONFIG, AppConfig, issuerUrl } from '@app/config';
import { InvalidClientError } from '@app/oauth-errors';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { createLocalJWKSet, decodeProtectedHeader, errors, JSONWebKeySet, JWTPayload, jwtVerify } from 'jose';
import type { RegisteredClient } from '../clients/client-lookup.service';
import { FetchError, SafeFetcher } from '../fetch/safe-fetcher';
import { ClientAssertionJtisRepository } from './client-assertion-jtis.repository';

/** RFC 7523 §2.2: the client_assertion_type of a JWT client assertion. */
export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Asymmetric algorithms only: never none, never HS* (a public key must not become an HMAC secret). */
export const CLIENT_ASSERTION_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'];

export const CLIENT_ASSERTION_LIMITS = {
  /** RFC 7523 §3 item 4: the server may reject a JWT whose exp is unreasonably far in the future. */
  maxLifetimeSeconds: 300,
  /** RFC 7523 §3 items 4–6: a small allowance for clock skew on exp, nbf and iat. */
  clockSkewSeconds: 30,
  maxJtiLength: 256,
} as const;

/**
 * private_key_jwt client authentication (RFC 7523 §2.2 and §3, RFC 7521 §4.2, OIDC Core §9): the
 * assertion is signed by one of the client's registered keys (jwks, or jwks_uri through the
 * SSRF-safe fetcher), and every failure is invalid_client (RFC 7521 §4.2.1).
 */
@Injectable()
export class ClientAssertionVerifier {
  private readonly logger = new Logger(ClientAssertionVerifier.name);
  private readonly audiences: string[];

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly fetcher: SafeFetcher,
    private readonly jtis: ClientAssertionJtisRepository,
  ) {
    // RFC 7523 §3 item 3: the issuer identifier, or the token endpoint URL, identifies this server
    this.audiences = [...new Set([config.issuer, config.issuer.replace(/\/+$/, ''), issuerUrl(config, '/token')])];
  }

  async verify(client: RegisteredClient, assertion: string): Promise<void> {
    const fail = (reason: string, cause?: unknown): never => {
      this.logger.warn({ client_id: client.clientId, reason }, 'client assertion refused');
      throw new InvalidClientError(`client assertion refused: ${reason}`, { cause });
    };
    let alg: string | undefined;
    try {
      alg = decodeProtectedHeader(assertion).alg;
    } catch (error) {
      return fail('not a JWS in compact serialization', error);
    }
    if (!alg || !CLIENT_ASSERTION_ALGORITHMS.includes(alg)) {
      return fail(`alg must be one of ${CLIENT_ASSERTION_ALGORITHMS.join(', ')}`);
    }
    const payload = await this.verifySignatureAndClaims(client, assertion).catch((error: unknown) => fail(describe(error), error));

    const now = Math.floor(Date.now() / 1000);
    const exp = payload.exp as number;
    // RFC 7523 §3 item 4: an assertion valid far into the future is refused (bounded lifetime)
    if (exp > now + CLIENT_ASSERTION_LIMITS.maxLifetimeSeconds + CLIENT_ASSERTION_LIMITS.clockSkewSeconds) {
      return fail(`exp must be at most ${CLIENT_ASSERTION_LIMITS.maxLifetimeSeconds} seconds in the future`);
    }
    // RFC 7523 §3 item 6: an assertion issued in the future is refused
    if (typeof payload.iat === 'number' && payload.iat > now + CLIENT_ASSERTION_LIMITS.clockSkewSeconds) {
      return fail('iat is in the future');
    }
    const jti = payload.jti;
    if (typeof jti !== 'string' || jti.length === 0 || jti.length > CLIENT_ASSERTION_LIMITS.maxJtiLength) {
      return fail(`jti must be a string of 1 to ${CLIENT_ASSERTION_LIMITS.maxJtiLength} characters`);
    }
    // RFC 7523 §3 item 7, OIDC Core §9: a jti is used once; kept until the assertion expires
    const first = await this.jtis.claim(client.clientId, jti, new Date((exp + CLIENT_ASSERTION_LIMITS.clockSkewSeconds) * 1000));
    if (!first) return fail('jti has already been used (replay)');
  }

  private async verifySignatureAndClaims(client: RegisteredClient, assertion: string): Promise<JWTPayload> {
    const verify = async (keys: JSONWebKeySet): Promise<JWTPayload> => {
      const { payload } = await jwtVerify(assertion, createLocalJWKSet(keys), {
        algorithms: CLIENT_ASSERTION_ALGORITHMS,
        // RFC 7523 §3 items 1–2: iss and sub are both the client_id (compared as simple strings)
        issuer: client.clientId,
        subject: client.clientId,
        audience: this.audiences,
        // RFC 7523 §3 item 4: exp is required; OIDC Core §9: jti is required
        requiredClaims: ['exp', 'jti'],
        clockTolerance: CLIENT_ASSERTION_LIMITS.clockSkewSeconds,
      });
      return payload;
    };
    const { jwks, jwks_uri: jwksUri } = client.metadata;
    if (jwks) return verify(jwks as JSONWebKeySet);
    if (!jwksUri) throw new ClientKeysError('the client has no registered keys');
    try {
      return await verify(await this.fetchKeySet(jwksUri, false));
    } catch (error) {
      // A rotated key: fetch the key set once more (SafeFetcher bounds how often that can happen)
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
      return verify(await this.fetchKeySet(jwksUri, true));
    }
  }

  private async fetchKeySet(jwksUri: string, refresh: boolean): Promise<JSONWebKeySet> {
    let document: unknown;
    try {
      document = await this.fetcher.fetchJson(jwksUri, { refresh });
    } catch (error) {
      throw new ClientKeysError(`jwks_uri could not be used: ${error instanceof FetchError ? error.message : 'fetch failed'}`);
    }
    const keys = (document as { keys?: unknown } | null)?.keys;
    // RFC 7517 §5: a JWK Set is an object with a "keys" array
    if (!Array.isArray(keys)) throw new ClientKeysError('jwks_uri did not return a JWK Set (RFC 7517 §5)');
    return { keys: keys.filter((key): key is JSONWebKeySet['keys'][number] => key !== null && typeof key === 'object' && !Array.isArray(key)) };
  }
}

class ClientKeysError extends Error {}

function describe(error: unknown): string {
  if (error instanceof ClientKeysError) return error.message;
  if (error instanceof errors.JWTExpired) return 'the assertion has expired (exp)';
  if (error instanceof errors.JWTClaimValidationFailed) return `claim "${error.claim}" is invalid (${error.reason})`;
  if (error instanceof errors.JWKSNoMatchingKey) return 'no registered key matches the assertion (kid, alg)';
  if (error instanceof errors.JWKSMultipleMatchingKeys) return 'several registered keys match; send a kid';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'alg is not allowed';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'signature verification failed';
  return 'the assertion is malformed';
}
