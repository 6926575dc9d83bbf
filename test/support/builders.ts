/** Registration request bodies: a valid confidential web client unless told otherwise. */
export function aClient(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    redirect_uris: ['https://app.example.com/callback'],
    client_name: 'Example App',
    ...overrides,
  };
}

/** A public native client using PKCE and a loopback redirect (RFC 8252 §7.3). */
export function aNativeClient(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return aClient({
    application_type: 'native',
    token_endpoint_auth_method: 'none',
    redirect_uris: ['http://127.0.0.1:8400/callback', 'com.example.app:/oauth2redirect'],
    ...overrides,
  });
}
