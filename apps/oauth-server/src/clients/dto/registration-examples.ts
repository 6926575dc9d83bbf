/** OpenAPI 3 named examples (Example Object). */
export type NamedExamples = Record<string, { summary: string; value: Record<string, unknown> }>;

/**
 * Named request examples for Swagger UI's "Try it out": each one registers as it stands on a server
 * with the default settings (test/e2e/openapi/openapi-document.e2e-spec.ts sends every one of them).
 * The first is the one Swagger UI pre-fills.
 */
export const REGISTRATION_EXAMPLES: NamedExamples = {
  web: {
    summary: 'A web app (confidential, authorization code + refresh tokens)',
    value: {
      client_name: 'Example Web App',
      redirect_uris: ['https://app.example.com/callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: 'openid profile email',
      contacts: ['ops@example.com'],
    },
  },
  native: {
    summary: 'A native or single-page app (public client, PKCE, loopback redirect — RFC 8252 §7.3)',
    value: {
      client_name: 'Example Desktop App',
      application_type: 'native',
      redirect_uris: ['http://127.0.0.1/callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_method: 'none',
      scope: 'openid profile',
    },
  },
  service: {
    summary: 'A backend service (client_credentials, no user, no redirect)',
    value: {
      client_name: 'Example Billing Service',
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  },
};

/**
 * RFC 7592 §2.2 update examples: client_id (and client_secret for a confidential client) must be the
 * ones the registration returned, so these carry placeholders to replace.
 */
export const UPDATE_EXAMPLES: NamedExamples = {
  rename: {
    summary: 'Rename a web app (replace client_id and client_secret with yours)',
    value: {
      client_id: 'CLIENT_ID from the registration response',
      client_secret: 'CLIENT_SECRET from the registration response',
      client_name: 'Renamed Web App',
      redirect_uris: ['https://app.example.com/callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: 'openid profile email',
    },
  },
  public_client: {
    summary: 'Add a redirect URI to a public client (replace client_id; no secret)',
    value: {
      client_id: 'CLIENT_ID from the registration response',
      client_name: 'Example Desktop App',
      application_type: 'native',
      redirect_uris: ['http://127.0.0.1/callback', 'http://[::1]/callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_method: 'none',
      scope: 'openid profile',
    },
  },
};
