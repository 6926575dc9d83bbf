import { APP_CONFIG, AppConfig } from '@app/config';
import { constantTimeEqual, randomToken } from '@app/crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { cookiePolicy } from './cookies';

/**
 * CSRF protection for every HTML form (login, consent, account): a double-submit token. The cookie
 * is HttpOnly, SameSite=Lax and, behind https, __Host- prefixed, so another site can neither read
 * nor plant it; a form post counts only when its hidden field equals the cookie.
 */
@Injectable()
export class CsrfService {
  private readonly cookieName: string;
  private readonly cookieOptions;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const policy = cookiePolicy(config);
    this.cookieName = `${policy.prefix}tessera_csrf`;
    this.cookieOptions = policy.options;
  }

  /** The token for a form on this page; sets the cookie when the browser has none. */
  token(request: FastifyRequest, reply: FastifyReply): string {
    const existing = request.cookies?.[this.cookieName];
    if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
    const token = randomToken(32);
    reply.setCookie(this.cookieName, token, this.cookieOptions);
    return token;
  }

  /** True when the form field matches the cookie. */
  verify(request: FastifyRequest, presented: unknown): boolean {
    const expected = request.cookies?.[this.cookieName];
    return typeof presented === 'string' && typeof expected === 'string' && expected.length > 0 && constantTimeEqual(presented, expected);
  }
}
