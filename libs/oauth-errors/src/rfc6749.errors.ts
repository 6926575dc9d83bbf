import { OAuthError } from './oauth-error';

// RFC 6749 §5.2 error codes. invalid_request is also our answer to any malformed HTTP request
// (bad JSON, wrong content type, oversized body, unknown route), with the matching 4xx status.
export class InvalidRequestError extends OAuthError {
  readonly error = 'invalid_request';
  readonly status: number;
  constructor(description?: string, options?: { status?: number; cause?: unknown }) {
    super(description, options);
    this.status = options?.status ?? 400;
  }
}

// RFC 6749 §4.1.2.1: server_error; the description never carries internals.
export class ServerError extends OAuthError {
  static override readonly capturesStack = true;
  readonly error = 'server_error';
  readonly status = 500;
}

// RFC 6749 §4.1.2.1: temporarily_unavailable, sent as 503 with Retry-After.
export class TemporarilyUnavailableError extends OAuthError {
  readonly error = 'temporarily_unavailable';
  readonly status = 503;
}

// RFC 6749 §5.2: invalid_client → 401, and when the client authenticated through the Authorization
// header the response MUST carry WWW-Authenticate with the scheme it used.
export class InvalidClientError extends OAuthError {
  readonly error = 'invalid_client';
  readonly status = 401;
  override readonly basicChallenge: boolean;
  constructor(description?: string, options?: { basicChallenge?: boolean; cause?: unknown }) {
    super(description, options);
    this.basicChallenge = options?.basicChallenge ?? false;
  }
}

// RFC 6749 §5.2: the grant (code, refresh token) is invalid, expired, revoked, or bound elsewhere.
export class InvalidGrantError extends OAuthError {
  readonly error = 'invalid_grant';
  readonly status = 400;
}

// RFC 6749 §4.1.2.1 / §5.2: the client is not allowed this grant or response type.
export class UnauthorizedClientError extends OAuthError {
  readonly error = 'unauthorized_client';
  readonly status = 400;
}

// RFC 6749 §5.2: the grant type is not supported by this server.
export class UnsupportedGrantTypeError extends OAuthError {
  readonly error = 'unsupported_grant_type';
  readonly status = 400;
}

// RFC 6749 §4.1.2.1: the server does not support this response_type.
export class UnsupportedResponseTypeError extends OAuthError {
  readonly error = 'unsupported_response_type';
  readonly status = 400;
}

// RFC 6749 §4.1.2.1 / §5.2: the requested scope is invalid, unknown, or beyond what was granted.
export class InvalidScopeError extends OAuthError {
  readonly error = 'invalid_scope';
  readonly status = 400;
}

// RFC 6749 §4.1.2.1: the resource owner or the server denied the request.
export class AccessDeniedError extends OAuthError {
  readonly error = 'access_denied';
  readonly status = 403;
}
