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

// RFC 7591 §3.2.2: the software statement is invalid (bad signature, expired, malformed).
export class InvalidSoftwareStatementError extends OAuthError {
  readonly error = 'invalid_software_statement';
  readonly status = 400;
}

// RFC 7591 §3.2.2: the software statement is valid but not approved here (issuer or software_id).
export class UnapprovedSoftwareStatementError extends OAuthError {
  readonly error = 'unapproved_software_statement';
  readonly status = 400;
}

// RFC 7591 §3.2.2 lets the server use other codes: a registration quota of the operator's policy is
// exhausted. RFC 6749 §4.1.2.1's access_denied ("the authorization server denied the request"), 403.
export class RegistrationQuotaExceededError extends OAuthError {
  readonly error = 'access_denied';
  readonly status = 403;
}
