import { OAuthError } from './oauth-error';

// RFC 6750 §3.1: invalid_token → 401 with a Bearer challenge naming the error.
export class InvalidTokenError extends OAuthError {
  readonly error: string | undefined = 'invalid_token';
  readonly status = 401;
  override readonly bearerChallenge: Record<string, string> = {
    error: 'invalid_token',
    ...(this.description ? { error_description: this.description } : {}),
  };

  /** RFC 6750 §3.1: a request without credentials gets a bare challenge and no error code. */
  static missing(): OAuthError {
    return new MissingTokenError();
  }
}

class MissingTokenError extends OAuthError {
  readonly error = undefined;
  readonly status = 401;
  override readonly bearerChallenge: Record<string, string> = {};
}

// RFC 6750 §3.1: insufficient_scope → 403; RFC 7592 §2 uses 403 when the client may not do this.
export class InsufficientScopeError extends OAuthError {
  readonly error = 'insufficient_scope';
  readonly status = 403;
  override readonly bearerChallenge: Record<string, string> = {
    error: 'insufficient_scope',
    ...(this.description ? { error_description: this.description } : {}),
  };
}
