import { createHash, randomBytes } from 'node:crypto';
import type { Response } from 'supertest';
import { UsersService } from '../../apps/oauth-server/src/login/users.service';
import type { RegisteredClient, TestApp } from './test-app';

export const PASSWORD = 'correct horse battery staple';

/** A user created through the same service the CLI uses. */
export async function aUser(app: TestApp, username = 'alice', extra: { email?: string; name?: string } = {}): Promise<{ id: string; username: string }> {
  const user = await app.app.get(UsersService).create(username, PASSWORD, { email: `${username}@example.com`, name: 'Alice Example', ...extra });
  return { id: user.id, username: user.username };
}

/** RFC 7636 §4.1–4.2: a fresh verifier and its S256 challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** A minimal browser cookie jar for supertest: keeps name=value pairs from Set-Cookie. */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  capture(response: Response): Response {
    const header = response.headers['set-cookie'] as unknown as string[] | string | undefined;
    for (const line of Array.isArray(header) ? header : header ? [header] : []) {
      const [pair, ...attributes] = line.split(';');
      const index = pair.indexOf('=');
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      const expired = attributes.some((attribute) => /^\s*(max-age=0|expires=thu, 01 jan 1970)/i.test(attribute));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  get(name: string): string | undefined {
    return [...this.cookies].find(([key]) => key.endsWith(name))?.[1];
  }

  set(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  delete(suffix: string): void {
    for (const name of [...this.cookies.keys()]) if (name.endsWith(suffix)) this.cookies.delete(name);
  }
}

/** The value of a hidden input on an HTML page. */
export function hiddenField(html: string, name: string): string {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!match) throw new Error(`no field ${name} in page`);
  return decodeEntities(match[1]);
}

/** Every hidden input of the first form posting to `action`. */
export function formFields(html: string, action: string): Record<string, string> {
  const start = html.indexOf(`action="${action}"`);
  if (start < 0) throw new Error(`no form posting to ${action}`);
  const form = html.slice(start, html.indexOf('</form>', start));
  const fields: Record<string, string> = {};
  for (const match of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields[match[1]] = decodeEntities(match[2]);
  return fields;
}

function decodeEntities(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** A browser-like user agent over supertest: follows nothing by itself, keeps cookies. */
export class Browser {
  readonly jar = new CookieJar();
  constructor(private readonly app: TestApp) {}

  async get(path: string): Promise<Response> {
    return this.jar.capture(await this.app.http.get(path).set('Cookie', this.jar.header()));
  }

  async post(path: string, form: Record<string, string>): Promise<Response> {
    return this.jar.capture(await this.app.http.post(path).type('form').set('Cookie', this.jar.header()).send(form));
  }

  /** Opens the login page (from an /authorize redirect or directly) and submits the credentials. */
  async login(loginLocation: string, username: string, password = PASSWORD): Promise<Response> {
    const page = await this.get(loginLocation);
    return this.post('/login', {
      csrf_token: hiddenField(page.text, 'csrf_token'),
      return_to: hiddenField(page.text, 'return_to'),
      username,
      password,
    });
  }
}

export interface AuthorizeParams {
  client: RegisteredClient;
  redirectUri?: string;
  scope?: string;
  state?: string;
  nonce?: string;
  challenge?: string;
  extra?: Record<string, string>;
}

export function authorizePath(params: AuthorizeParams): string {
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: params.client.client_id,
    redirect_uri: params.redirectUri ?? params.client.redirect_uris[0],
    scope: params.scope ?? 'openid profile email',
    state: params.state ?? 'state-123',
    ...(params.nonce ? { nonce: params.nonce } : {}),
    ...(params.challenge ? { code_challenge: params.challenge, code_challenge_method: 'S256' } : {}),
    ...params.extra,
  });
  return `/authorize?${query.toString()}`;
}

/** /authorize → login → consent (Allow) → the redirect to the client; returns the redirect URL. */
export async function authorizeThroughPages(browser: Browser, params: AuthorizeParams, username: string): Promise<URL> {
  let response = await browser.get(authorizePath(params));
  if (response.status === 303 && response.headers.location.startsWith('/login')) {
    const login = await browser.login(response.headers.location, username);
    if (login.status !== 303) throw new Error(`login failed: ${login.status}`);
    response = await browser.get(login.headers.location);
  }
  if (response.status === 200 && response.text.includes('action="/authorize/decision"')) {
    response = await browser.post('/authorize/decision', { ...formFields(response.text, '/authorize/decision'), decision: 'allow' });
  }
  if (response.status !== 303) throw new Error(`authorize did not redirect: ${response.status} ${response.text.slice(0, 300)}`);
  return new URL(response.headers.location);
}

export function basicAuth(client: RegisteredClient): string {
  const encode = (value: string) => encodeURIComponent(value);
  return `Basic ${Buffer.from(`${encode(client.client_id)}:${encode(client.client_secret ?? '')}`).toString('base64')}`;
}
