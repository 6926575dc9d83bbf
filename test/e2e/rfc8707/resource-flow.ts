import { decodeJwt } from 'jose';
import type { Response } from 'supertest';
import { basicAuth, Browser, pkcePair } from '../../support/oauth-flow';
import type { RegisteredClient, TestApp } from '../../support/test-app';

/** Parameters in order, with repeats (RFC 8707 §2: resource may appear more than once). */
export type Pairs = [string, string][];

export function authorizeQuery(client: RegisteredClient, challenge: string, resources: string[], scope = 'openid profile'): string {
  const pairs: Pairs = [
    ['response_type', 'code'],
    ['client_id', client.client_id],
    ['redirect_uri', client.redirect_uris[0]],
    ['scope', scope],
    ['state', 'state-8707'],
    ['code_challenge', challenge],
    ['code_challenge_method', 'S256'],
    ...resources.map((resource): [string, string] => ['resource', resource]),
  ];
  return new URLSearchParams(pairs).toString();
}

/** Every hidden input of the consent form, repeats kept. */
export function consentForm(html: string): Pairs {
  const start = html.indexOf('action="/authorize/decision"');
  if (start < 0) throw new Error(`no consent form: ${html.slice(0, 300)}`);
  const form = html.slice(start, html.indexOf('</form>', start));
  return [...form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((match) => [match[1], match[2].replace(/&amp;/g, '&')]);
}

/**
 * /authorize (GET) → login when needed → the consent page, answered Allow when `allow` is set.
 * Returns the last response: the redirect to the client, the consent page or an error page.
 */
export async function authorize(
  app: TestApp,
  browser: Browser,
  client: RegisteredClient,
  resources: string[],
  options: { scope?: string; allow?: boolean; username?: string } = {},
): Promise<{ response: Response; verifier: string; consentPage?: string }> {
  const { verifier, challenge } = pkcePair();
  let response = await browser.get(`/authorize?${authorizeQuery(client, challenge, resources, options.scope)}`);
  if (response.status === 303 && response.headers.location.startsWith('/login')) {
    const login = await browser.login(response.headers.location, options.username ?? 'alice');
    response = await browser.get(login.headers.location);
  }
  if (response.status === 200 && response.text.includes('action="/authorize/decision"')) {
    const consentPage = response.text;
    if (options.allow === false) return { response, verifier, consentPage };
    const body = new URLSearchParams([...consentForm(consentPage), ['decision', 'allow']]).toString();
    response = browser.jar.capture(await app.http.post('/authorize/decision').type('form').set('Cookie', browser.jar.header()).send(body));
    return { response, verifier, consentPage };
  }
  return { response, verifier };
}

/** The code of a redirect to the client, or an error naming what came back instead. */
export function codeOf(response: Response): string {
  const code = response.status === 303 ? new URL(response.headers.location).searchParams.get('code') : null;
  if (!code) throw new Error(`no code: ${response.status} ${response.headers.location ?? response.text.slice(0, 300)}`);
  return code;
}

/** POST /token with Basic authentication and repeatable parameters. */
export function token(app: TestApp, client: RegisteredClient, pairs: Pairs): Promise<Response> {
  return app.http.post('/token').type('form').set('Authorization', basicAuth(client)).send(new URLSearchParams(pairs).toString());
}

export function exchange(app: TestApp, client: RegisteredClient, code: string, verifier: string, resources: string[] = []): Promise<Response> {
  return token(app, client, [
    ['grant_type', 'authorization_code'],
    ['code', code],
    ['redirect_uri', client.redirect_uris[0]],
    ['code_verifier', verifier],
    ...resources.map((resource): [string, string] => ['resource', resource]),
  ]);
}

export function audienceOf(accessToken: string): unknown {
  return decodeJwt(accessToken).aud;
}
