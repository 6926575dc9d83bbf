import { OAuthError } from './oauth-error';

// RFC 8707 §2: invalid_target — "The requested resource is invalid, missing, unknown, or malformed."
// A token error response (RFC 6749 §5.2, 400) at /token; at /authorize an error response redirected
// to the client like the others of RFC 6749 §4.1.2.1 (RFC 8707 §5.2 registers it for both).
export class InvalidTargetError extends OAuthError {
  readonly error = 'invalid_target';
  readonly status = 400;
}
