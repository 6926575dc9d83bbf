import { ApiOAuthErrorResponse, BODY_TOO_LARGE, NOT_JSON, OAuthErrorResponseOptions } from '@app/oauth-errors';
import { applyDecorators } from '@nestjs/common';

// RFC 6750 §3.1: a request without a token gets the bare challenge and no body; a bad token gets invalid_token.
const BEARER_CHALLENGE = 'Bearer realm="<ISSUER>" (no credentials), or with error="invalid_token" and error_description';

const REGISTRATION_400: OAuthErrorResponseOptions = {
  status: 400,
  description: 'RFC 7591 §3.2.2 Client Registration Error Response.',
  examples: {
    invalid_redirect_uri: {
      summary: 'invalid_redirect_uri',
      error: 'invalid_redirect_uri',
      error_description: "redirect_uris: 'http://app.example.com/callback' must use https unless the host is loopback (RFC 9700 section 2.6)",
    },
    invalid_client_metadata: {
      summary: 'invalid_client_metadata',
      error: 'invalid_client_metadata',
      error_description: "grant_types: 'implicit' is not allowed by this server (RFC 9700)",
    },
    unapproved_software_statement: {
      summary: 'unapproved_software_statement',
      error: 'unapproved_software_statement',
      error_description: 'software_statement: this server trusts no statement issuer',
    },
    invalid_request: { summary: 'Malformed JSON', error: 'invalid_request', error_description: 'request body is not valid JSON' },
  },
};

const UPDATE_400: OAuthErrorResponseOptions = {
  status: 400,
  description: 'RFC 7592 §2.2: a client_id that differs from the URL, a wrong client_secret, a server-assigned field, or RFC 7591 §3.2.2 metadata errors.',
  examples: {
    client_id_mismatch: { summary: 'client_id does not match', error: 'invalid_request', error_description: 'client_id: must equal the client_id of this registration (RFC 7592 section 2.2)' },
    invalid_redirect_uri: REGISTRATION_400.examples.invalid_redirect_uri,
    invalid_client_metadata: REGISTRATION_400.examples.invalid_client_metadata,
  },
};

const INITIAL_ACCESS_TOKEN_401: OAuthErrorResponseOptions = {
  status: 401,
  description:
    'RFC 6750 §3.1, only with REGISTRATION_MODE=protected (or a wrong token in open mode): no token → empty body and a bare ' +
    'Bearer challenge; an unknown, expired or revoked token → invalid_token.',
  challenge: BEARER_CHALLENGE,
  examples: {
    invalid_token: { summary: 'Unknown initial access token', error: 'invalid_token', error_description: 'the initial access token is not valid' },
    expired: { summary: 'Expired initial access token', error: 'invalid_token', error_description: 'the initial access token has expired' },
  },
};

const QUOTA_403: OAuthErrorResponseOptions = {
  status: 403,
  description: "A daily quota of the registration policy, or the initial access token's registrations, are used up.",
  examples: {
    token_used_up: {
      summary: 'Initial access token used up',
      error: 'access_denied',
      error_description: 'the initial access token has no registrations left (or was revoked or expired meanwhile)',
    },
  },
};

const REGISTRATION_TOKEN_401: OAuthErrorResponseOptions = {
  status: 401,
  description:
    'RFC 7592 §2 / RFC 6750 §3.1: no token → empty body and a bare Bearer challenge; an unknown, expired or revoked token, ' +
    "or another client's → invalid_token.",
  challenge: BEARER_CHALLENGE,
  examples: {
    invalid_token: { summary: 'Wrong or revoked token', error: 'invalid_token', error_description: 'the registration access token is not valid for this client' },
    expired: { summary: 'Expired token', error: 'invalid_token', error_description: 'the registration access token has expired' },
  },
};

function selfService403(operation: 'read' | 'update' | 'delete'): OAuthErrorResponseOptions {
  const examples: OAuthErrorResponseOptions['examples'] = {
    disabled: {
      summary: 'Self-service disabled (clients:lock)',
      error: 'insufficient_scope',
      error_description: 'self-service for this client has been disabled by the operator',
    },
  };
  if (operation !== 'read') {
    examples.read_only = {
      summary: 'Read-only (clients:lock --mode read-only)',
      error: 'insufficient_scope',
      error_description: `this client may only read its registration; ${operation} has been disabled by the operator`,
    };
  }
  return {
    status: 403,
    description: 'RFC 7592 §2 / RFC 6750 §3.1: the operator has locked this client (npm run cli -- clients:lock).',
    challenge: 'Bearer realm="<ISSUER>", error="insufficient_scope", error_description="…"',
    examples,
  };
}

/** The error responses of each registration route, every status with its own true examples. */
export function ApiRegistrationErrorResponses(route: 'register' | 'read' | 'update' | 'delete'): MethodDecorator {
  const responses: OAuthErrorResponseOptions[] =
    route === 'register'
      ? [REGISTRATION_400, INITIAL_ACCESS_TOKEN_401, QUOTA_403, BODY_TOO_LARGE, NOT_JSON]
      : route === 'update'
        ? [UPDATE_400, REGISTRATION_TOKEN_401, selfService403('update'), BODY_TOO_LARGE, NOT_JSON]
        : [REGISTRATION_TOKEN_401, selfService403(route)];
  return applyDecorators(...responses.map((options) => ApiOAuthErrorResponse(options)));
}
