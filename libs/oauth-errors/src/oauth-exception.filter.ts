import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OAuthError } from './oauth-error';
import { ServerError } from './rfc6749.errors';
import { toOAuthError } from './to-oauth-error';

/**
 * The only place that knows the error wire format (RFC 6749 §5.2, RFC 6750 §3, RFC 7591 §3.2.2):
 * status and headers from the error, a JSON body `{ error, error_description }`, never cached.
 */
@Catch()
export class OAuthExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(OAuthExceptionFilter.name);

  constructor(private readonly realm: string) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const error = toOAuthError(exception);
    if (error instanceof ServerError) {
      const cause = error.cause ?? exception;
      this.logger.error({ reqId: request.id, err: cause }, 'request failed');
    }
    sendOAuthError(reply, error, this.realm);
  }
}

export function sendOAuthError(reply: FastifyReply, error: OAuthError, realm: string): void {
  // RFC 6749 §5.1–5.2: error responses are never cached.
  reply.header('Cache-Control', 'no-store').header('Pragma', 'no-cache');
  if (error.bearerChallenge) {
    reply.header('WWW-Authenticate', bearerChallenge(realm, error.bearerChallenge));
  }
  // RFC 7617 §2: realm is required; the same realm (the issuer) as the Bearer challenges.
  if (error.basicChallenge) reply.header('WWW-Authenticate', `Basic realm="${asErrorDescription(realm)}", charset="UTF-8"`);
  for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
  if (error.status === 503) reply.header('Retry-After', '5');
  reply.status(error.status);
  if (error.error === undefined) {
    // RFC 6750 §3.1: no error information when the request carried no credentials.
    reply.send();
    return;
  }
  const body: Record<string, string> = { error: error.error };
  if (error.description) body.error_description = asErrorDescription(error.description);
  reply.type('application/json; charset=utf-8').send(body);
}

// Most descriptions are fixed texts (the token guard's, say) sent over and over: remember their
// wire form. Bounded, because a validation message can name whatever field a request sent.
const DESCRIPTION_CACHE_SIZE = 512;
const descriptions = new Map<string, string>();

/**
 * RFC 6749 §4.1.2.1, §5.2: error_description is limited to %x20-21 / %x23-5B / %x5D-7E (no quote, no
 * backslash). The one sanitizer for every error response: JSON bodies, Bearer challenges and the
 * error redirects of /authorize.
 */
export function asErrorDescription(text: string): string {
  let wire = descriptions.get(text);
  if (wire === undefined) {
    wire = text
      .replace(/§/g, 'section ')
      .replace(/"/g, "'")
      .replace(/\\/g, '/')
      .replace(/[^\x20-\x7e]/g, '?');
    if (descriptions.size < DESCRIPTION_CACHE_SIZE) descriptions.set(text, wire);
  }
  return wire;
}

// RFC 6750 §3: auth-param values are quoted strings; strip what a quoted-string cannot carry.
function bearerChallenge(realm: string, params: Record<string, string>): string {
  const parts = Object.entries({ realm, ...params }).map(
    ([name, value]) => `${name}="${asErrorDescription(value)}"`,
  );
  return `Bearer ${parts.join(', ')}`;
}
