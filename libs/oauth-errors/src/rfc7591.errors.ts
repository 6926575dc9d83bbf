import { OAuthError } from './oauth-error';

// RFC 7591 §3.2.2: one or more redirect_uris are invalid.
export class InvalidRedirectUriError extends OAuthError {
  readonly error = 'invalid_redirect_uri';
  readonly status = 400;
}

// RFC 7591 §3.2.2: a metadata field is invalid (or the combination is).
export class InvalidClientMetadataError extends OAuthError {
  readonly error = 'invalid_client_metadata';
  readonly status = 400;
}
