import { aNativeClient } from '../../support/builders';
import { aUser, authorizePath, authorizeThroughPages, Browser, pkcePair } from '../../support/oauth-flow';
import { createTestApp, TestApp } from '../../support/test-app';
import { tokenRequest } from '../../support/token-helpers';

describe('RFC 8252 §7.3 Loopback Interface Redirection', () => {
  let app: TestApp;
  beforeAll(async () => (app = await createTestApp({ LOGIN_BCRYPT_COST: '10' })));
  beforeEach(() => app.resetDatabase());
  afterAll(() => app.close());

  it('RFC 8252 §7.3 + RFC 6749 §4.1.3: any port at /authorize; the token request must carry that same URI', async () => {
    const client = await app.registerClient(aNativeClient({ redirect_uris: ['http://127.0.0.1/callback', 'http://[::1]/callback'] }));
    await aUser(app, 'alice');
    const browser = new Browser(app);
    const { verifier, challenge } = pkcePair();
    const used = 'http://127.0.0.1:51004/callback';
    const callback = await authorizeThroughPages(browser, { client, challenge, redirectUri: used }, 'alice');
    expect(`${callback.origin}${callback.pathname}`).toBe(used);
    const code = callback.searchParams.get('code')!;

    // RFC 6749 §4.1.3: the registered form (without the port) is not the redirect_uri of the request
    const registeredForm = await tokenRequest(app, client, { grant_type: 'authorization_code', code, redirect_uri: 'http://127.0.0.1/callback', code_verifier: verifier });
    expect(registeredForm.status).toBe(400);
    expect(registeredForm.body.error).toBe('invalid_grant');

    const callback2 = await authorizeThroughPages(browser, { client, challenge, redirectUri: 'http://[::1]:61234/callback' }, 'alice');
    const exact = await tokenRequest(app, client, {
      grant_type: 'authorization_code',
      code: callback2.searchParams.get('code')!,
      redirect_uri: 'http://[::1]:61234/callback',
      code_verifier: verifier,
    });
    expect(exact.status).toBe(200);
    expect(exact.body.access_token).toEqual(expect.any(String));
  });

  it('RFC 8252 §7.3: another loopback address, another path or another scheme is still refused with a page', async () => {
    const client = await app.registerClient(aNativeClient({ redirect_uris: ['http://127.0.0.1/callback'] }));
    const { challenge } = pkcePair();
    for (const redirectUri of ['http://127.0.0.2:51004/callback', 'http://127.0.0.1:51004/other', 'http://[::1]:51004/callback']) {
      const response = await app.http.get(authorizePath({ client, challenge, redirectUri }));
      expect(response.status).toBe(400);
      expect(response.headers.location).toBeUndefined();
    }
  });

  it('RFC 8252 §8.3: a "localhost" redirect URI gets no port exception', async () => {
    const client = await app.registerClient(aNativeClient({ redirect_uris: ['http://localhost:8400/callback'] }));
    const { challenge } = pkcePair();
    const response = await app.http.get(authorizePath({ client, challenge, redirectUri: 'http://localhost:51004/callback' }));
    expect(response.status).toBe(400);
    expect(response.headers.location).toBeUndefined();
  });
});
