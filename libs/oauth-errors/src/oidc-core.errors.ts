import { OAuthError } from './oauth-error';

// OpenID Connect Core 1.0 §3.1.2.6: prompt=none, but the end-user is not logged in (or max_age ran out).
export class LoginRequiredError extends OAuthError {
  readonly error = 'login_required';
  readonly status = 400;
}

// OpenID Connect Core 1.0 §3.1.2.6: prompt=none, but the end-user has not consented to these scopes.
export class ConsentRequiredError extends OAuthError {
  readonly error = 'consent_required';
  readonly status = 400;
}

// OpenID Connect Core 1.0 §3.1.2.6: the request parameter (a request object) is not supported.
export class RequestNotSupportedError extends OAuthError {
  readonly error = 'request_not_supported';
  readonly status = 400;
}

// OpenID Connect Core 1.0 §3.1.2.6: the request_uri parameter is not supported.
export class RequestUriNotSupportedError extends OAuthError {
  readonly error = 'request_uri_not_supported';
  readonly status = 400;
}
