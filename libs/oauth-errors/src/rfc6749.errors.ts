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
  readonly error = 'server_error';
  readonly status = 500;
}

// RFC 6749 §4.1.2.1: temporarily_unavailable, sent as 503 with Retry-After.
export class TemporarilyUnavailableError extends OAuthError {
  readonly error = 'temporarily_unavailable';
  readonly status = 503;
}
