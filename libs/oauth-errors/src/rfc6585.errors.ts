import { OAuthError } from './oauth-error';

/**
 * RFC 6585 §4: 429 Too Many Requests, with Retry-After (set by the rate limiter before this is
 * thrown). RFC 6749 has no rate-limit error code; `temporarily_unavailable` (§4.1.2.1: "temporary
 * overloading") is the registered code whose meaning, retry later, fits.
 */
export class TooManyRequestsError extends OAuthError {
  readonly error = 'temporarily_unavailable';
  readonly status = 429;
  /** Read by Fastify's error handler when this is thrown from a hook. */
  readonly statusCode = 429;
}
