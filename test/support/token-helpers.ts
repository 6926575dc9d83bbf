import type { Response } from 'supertest';
import { authorizeThroughPages, basicAuth, Browser, pkcePair } from './oauth-flow';
import type { RegisteredClient, TestApp } from './test-app';

/** Runs /authorize through login and consent and returns a fresh code with its PKCE verifier. */
export async function aCode(
  app: TestApp,
  browser: Browser,
  client: RegisteredClient,
  username: string,
  options: { scope?: string; nonce?: string } = {},
): Promise<{ code: string; verifier: string }> {
  const { verifier, challenge } = pkcePair();
  const callback = await authorizeThroughPages(browser, { client, challenge, ...options }, username);
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`no code: ${callback.toString()}`);
  return { code, verifier };
}

/** POST /token form-encoded, authenticated with Basic unless the client is public or auth is 'none'. */
export function tokenRequest(app: TestApp, client: RegisteredClient, form: Record<string, string>, auth: 'basic' | 'none' = 'basic'): Promise<Response> {
  const request = app.http.post('/token').type('form');
  if (auth === 'basic' && client.client_secret) request.set('Authorization', basicAuth(client));
  return request.send(auth === 'none' || !client.client_secret ? { client_id: client.client_id, ...form } : form);
}

export function exchangeCode(app: TestApp, client: RegisteredClient, code: { code: string; verifier: string }): Promise<Response> {
  return tokenRequest(app, client, {
    grant_type: 'authorization_code',
    code: code.code,
    redirect_uri: client.redirect_uris[0],
    code_verifier: code.verifier,
  });
}
