import { createTestApp, TEST_ISSUER, TestApp } from '../../support/test-app';

describe('GET / — the landing page', () => {
  let app: TestApp;
  beforeAll(async () => (app = await createTestApp()));
  afterAll(() => app.close());

  it('is an HTML page, not a JSON 404, that says what the server is and links to Swagger UI, discovery, health and the account page', async () => {
    const res = await app.http.get('/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toMatch(/<title>[^<]*Tessera<\/title>/);
    expect(res.text).toContain('OAuth 2.0 authorization server');
    for (const path of ['/docs', '/docs-json', '/.well-known/oauth-authorization-server', '/.well-known/openid-configuration', '/jwks.json', '/health/ready', '/account']) {
      // Built from ISSUER, like the discovery document, so they hold behind a proxy with a path prefix.
      expect(res.text).toContain(`href="${TEST_ISSUER}${path}"`);
    }
  });

  it('every link on it answers (no dead link on the first page a new user sees)', async () => {
    const page = (await app.http.get('/')).text;
    const links = [...page.matchAll(/href="([^"]+)"/g)].map((match) => match[1].replace(TEST_ISSUER, ''));
    expect(links.length).toBeGreaterThanOrEqual(7);
    for (const path of links) {
      const res = await app.http.get(path).redirects(1);
      // /account without a session sends people to /login, which answers 200 after the redirect.
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
    }
  });
});
