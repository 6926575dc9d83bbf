import { APP_CONFIG, AppConfig } from '@app/config';
import { constantTimeEqual, randomToken } from '@app/crypto';
import { SecretHasher } from '@app/hashing';
import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHmac } from 'node:crypto';
import { cookiePolicy, MAX_SESSION_ID_LENGTH, sessionCookieName } from './cookies';

const PRE_SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/**
 * CSRF protection for every HTML form (login, consent, account), bound to the browser's session
 * (OWASP CSRF Prevention Cheat Sheet, "Signed Double-Submit Cookie"): the token is an HMAC, under
 * a server key, of the login session id, or before login of a random pre-session id kept in its
 * own cookie. A value copied from another browser, or a cookie + field pair an attacker planted
 * (possible on an http issuer, whose cookies lack the __Host- prefix), does not match the
 * victim's session; and nobody can compute a token without the key.
 */
@Injectable()
export class CsrfService implements OnApplicationBootstrap {
  private readonly preSessionCookie: string;
  private readonly sessionCookie: string;
  private readonly cookieOptions;
  private key: Buffer | undefined;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly hasher: SecretHasher,
  ) {
    const policy = cookiePolicy(config);
    this.preSessionCookie = `${policy.prefix}tessera_csrf`;
    this.sessionCookie = sessionCookieName(config);
    this.cookieOptions = policy.options;
  }

  /** The CSRF key, derived from the server's hash key (TOKEN_HASH_KEY or the stored one). */
  async onApplicationBootstrap(): Promise<void> {
    this.key = Buffer.from(await this.hasher.hash('tessera csrf token key'), 'hex');
  }

  /** The token for a form on this page; sets the pre-session cookie when the browser has neither cookie. */
  token(request: FastifyRequest, reply: FastifyReply): string {
    let binding = this.binding(request);
    if (!binding) {
      const id = randomToken(32);
      reply.setCookie(this.preSessionCookie, id, this.cookieOptions);
      binding = `pre-session\n${id}`;
    }
    return this.mac(binding);
  }

  /** True when the form field is the token of this browser's session (compared in constant time). */
  verify(request: FastifyRequest, presented: unknown): boolean {
    const binding = this.binding(request);
    return typeof presented === 'string' && binding !== undefined && constantTimeEqual(presented, this.mac(binding));
  }

  /** The session id when the browser has one, else its pre-session id. */
  private binding(request: FastifyRequest): string | undefined {
    const session = request.cookies?.[this.sessionCookie];
    if (session && session.length <= MAX_SESSION_ID_LENGTH) return `session\n${session}`;
    const preSession = request.cookies?.[this.preSessionCookie];
    return preSession && PRE_SESSION_ID.test(preSession) ? `pre-session\n${preSession}` : undefined;
  }

  private mac(binding: string): string {
    if (!this.key) throw new Error('CsrfService used before application bootstrap');
    return createHmac('sha256', this.key).update(binding, 'utf8').digest('base64url');
  }
}
