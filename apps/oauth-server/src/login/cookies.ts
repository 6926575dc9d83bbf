import type { AppConfig } from '@app/config';
import type { CookieSerializeOptions } from '@fastify/cookie';

/**
 * Cookie names and attributes. Behind an https issuer cookies are Secure and carry the __Host-
 * prefix (host-only, path /, so a sibling subdomain cannot plant them); HttpOnly and SameSite=Lax
 * always, so scripts cannot read them and cross-site POSTs do not carry them.
 */
export function cookiePolicy(config: Pick<AppConfig, 'issuer'>): { prefix: string; options: CookieSerializeOptions } {
  const secure = config.issuer.startsWith('https:');
  return {
    prefix: secure ? '__Host-' : '',
    options: { httpOnly: true, sameSite: 'lax', secure, path: '/' },
  };
}

/** The login session cookie (SessionsService); CSRF tokens are bound to its value (CsrfService). */
export function sessionCookieName(config: Pick<AppConfig, 'issuer'>): string {
  return `${cookiePolicy(config).prefix}tessera_session`;
}

/** Session ids longer than this are never looked up (a session id is 43 characters). */
export const MAX_SESSION_ID_LENGTH = 100;
