import { ApiOAuthErrorResponse, BODY_TOO_LARGE, OAuthErrorResponseOptions } from '@app/oauth-errors';
import { applyDecorators } from '@nestjs/common';
import { ApiBasicAuth, ApiSecurity } from '@nestjs/swagger';

type TokenEndpoint = 'token' | 'revoke' | 'introspect';

const NOT_FORM: OAuthErrorResponseOptions['examples'][string] = {
  summary: 'Not a form',
  error: 'invalid_request',
  error_description: 'send the parameters as application/x-www-form-urlencoded (RFC 6749 section 3.2)',
};

const BAD_REQUEST: Record<TokenEndpoint, OAuthErrorResponseOptions> = {
  token: {
    status: 400,
    description: 'RFC 6749 §5.2: invalid_request, invalid_grant, unauthorized_client, unsupported_grant_type, invalid_scope; RFC 8707 §2: invalid_target.',
    examples: {
      invalid_grant: { summary: 'Code used, expired or unknown', error: 'invalid_grant', error_description: 'the authorization code is invalid, expired or already used' },
      pkce_mismatch: { summary: 'PKCE verifier does not match (RFC 7636 §4.6)', error: 'invalid_grant', error_description: 'code_verifier does not match the code_challenge' },
      unsupported_grant_type: { summary: 'Unknown grant_type', error: 'unsupported_grant_type', error_description: 'grant_type password is not supported' },
      unauthorized_client: { summary: 'Grant not registered for this client', error: 'unauthorized_client', error_description: 'the client is not registered for the client_credentials grant' },
      invalid_request: { summary: 'Missing parameter', error: 'invalid_request', error_description: 'grant_type is missing' },
      invalid_target: {
        summary: 'A resource not granted at /authorize, unknown or malformed (RFC 8707 §2)',
        error: 'invalid_target',
        error_description: 'resource https://other.example.com/ was not granted in the authorization request',
      },
      not_form: NOT_FORM,
    },
  },
  revoke: {
    status: 400,
    description: 'RFC 7009 §2.2.1 / RFC 6749 §5.2: invalid_request.',
    examples: {
      missing_token: { summary: 'No token parameter', error: 'invalid_request', error_description: 'token is missing' },
      not_form: NOT_FORM,
    },
  },
  introspect: {
    status: 400,
    description: 'RFC 7662 §2.3 / RFC 6749 §5.2: invalid_request.',
    examples: {
      missing_token: { summary: 'No token parameter', error: 'invalid_request', error_description: 'token is missing' },
      not_form: NOT_FORM,
    },
  },
};

function unauthorized(endpoint: TokenEndpoint): OAuthErrorResponseOptions {
  const examples: OAuthErrorResponseOptions['examples'] = {
    failed: { summary: 'Wrong client_id or secret', error: 'invalid_client', error_description: 'client authentication failed' },
    missing: { summary: 'No client authentication', error: 'invalid_client', error_description: 'client authentication is required' },
  };
  if (endpoint === 'introspect') {
    examples.public_client = {
      summary: 'A public client (RFC 7662 §2.1: the caller must be authorized)',
      error: 'invalid_client',
      error_description: 'introspection requires client authentication',
    };
  }
  return {
    status: 401,
    description: 'RFC 6749 §5.2: invalid_client; with a WWW-Authenticate Basic challenge when the client used (or should use) HTTP Basic.',
    challenge: 'Basic realm="<ISSUER>", charset="UTF-8"',
    examples,
  };
}

/**
 * Client authentication (RFC 6749 §2.3.1: HTTP Basic, or client_id/client_secret in the form for
 * client_secret_post, or client_id alone for a public client) and the error responses of the token,
 * revocation and introspection endpoints.
 */
export function ApiTokenErrorResponses(endpoint: TokenEndpoint): MethodDecorator {
  return applyDecorators(
    // Either Basic or the form parameters: the empty requirement makes Basic optional in Swagger UI.
    ApiSecurity({}),
    ApiBasicAuth('client-basic'),
    ApiOAuthErrorResponse(BAD_REQUEST[endpoint]),
    ApiOAuthErrorResponse(unauthorized(endpoint)),
    ApiOAuthErrorResponse(BODY_TOO_LARGE),
  );
}
