import { aClient, aNativeClient } from '../../support/builders';
import { aUser, authorizePath, authorizeThroughPages, Browser, formFields, pkcePair } from '../../support/oauth-flow';
import { writeTempFile } from '../../support/policy-files';
import { createTestApp, TestApp } from '../../support/test-app';
import { aCode, exchangeCode, tokenRequest } from '../../support/token-helpers';

describe('RFC 7591 §3.2.1 / OIDC Core §3.1.2.1 scopes as clients send them', () => {
  let app: TestApp;
  beforeAll(async () => (app = await createTestApp({ LOGIN_BCRYPT_COST: '10', RATE_LIMIT_ENABLED: 'false' })));
  beforeEach(() => app.resetDatabase());
  afterAll(() => app.close());

  it('RFC 7591 §3.2.1: registration drops scope values the server does not support and returns the registered scope', async () => {
    const res = await app.http.post('/register').send(aNativeClient({ scope: 'openid offline_access mcp:tools profile' }));
    expect(res.status).toBe(201);
    expect(res.body.scope).toBe('openid offline_access profile');
    const read = await app.http.get(`/register/${res.body.client_id}`).auth(res.body.registration_access_token, { type: 'bearer' });
    expect(read.body.scope).toBe('openid offline_access profile');
  });

  it('RFC 7591 §2: a registration asking only for unsupported scopes gets the default set', async () => {
    const res = await app.http.post('/register').send(aNativeClient({ scope: 'mcp:tools' }));
    expect(res.status).toBe(201);
    expect(res.body.scope).toBe('openid profile email offline_access');
  });

  it('RFC 6749 §3.3: a malformed scope list is still invalid_client_metadata', async () => {
    const res = await app.http.post('/register').send(aNativeClient({ scope: 'openid  "profile"' }));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_client_metadata');
  });

  it('RFC 8414 §2, OIDC Core §11: discovery advertises offline_access', async () => {
    const res = await app.http.get('/.well-known/openid-configuration');
    expect(res.body.scopes_supported).toEqual(expect.arrayContaining(['openid', 'offline_access']));
  });

  it('OIDC Core §3.1.2.1 + RFC 6749 §5.1: /authorize ignores unsupported scope values and the token response reports the scope granted', async () => {
    const client = await app.registerClient(aClient({ scope: 'openid profile' }));
    await aUser(app, 'alice');
    const code = await aCode(app, new Browser(app), client, 'alice', { scope: 'openid mcp:tools profile' });
    const token = await exchangeCode(app, client, code);
    expect(token.status).toBe(200);
    expect(token.body.scope).toBe('openid profile');
  });

  it('RFC 6749 §3.3: a request with no supported scope value left is answered with invalid_scope', async () => {
    const client = await app.registerClient(aClient({ scope: 'openid profile' }));
    const res = await app.http.get(authorizePath({ client, challenge: pkcePair().challenge, scope: 'mcp:tools' }));
    // untrusted client: the error page links to the error response (RFC 9700 §4.11.2)
    expect(res.status).toBe(400);
    expect(res.text).toContain('invalid_scope');
    expect(res.text).toContain('error=invalid_scope');
  });

  it('OIDC Core §11: openid offline_access needs the user to consent to it, even after consent to openid alone', async () => {
    const client = await app.registerClient(aClient({ scope: 'openid offline_access', grant_types: ['authorization_code', 'refresh_token'] }));
    await aUser(app, 'alice');
    const browser = new Browser(app);
    await authorizeThroughPages(browser, { client, challenge: pkcePair().challenge, scope: 'openid' }, 'alice');
    const again = await browser.get(authorizePath({ client, challenge: pkcePair().challenge, scope: 'openid offline_access' }));
    expect(again.status).toBe(200);
    expect(again.text).toContain('Keep access while you are not using the app');
    const none = await browser.get(authorizePath({ client, challenge: pkcePair().challenge, scope: 'openid offline_access', extra: { prompt: 'none' } }));
    expect(none.status).toBe(303);
    expect(new URL(none.headers.location).searchParams.get('error')).toBe('consent_required');
    const { verifier, challenge } = pkcePair();
    const page = await browser.get(authorizePath({ client, challenge, scope: 'openid offline_access' }));
    const allow = await browser.post('/authorize/decision', { ...formFields(page.text, '/authorize/decision'), decision: 'allow' });
    const token = await exchangeCode(app, client, { code: new URL(allow.headers.location).searchParams.get('code')!, verifier });
    expect(token.body).toMatchObject({ scope: 'openid offline_access', refresh_token: expect.any(String) });
  });

  it('docs/scopes.md: a client registered for refresh_token gets a refresh token without offline_access too', async () => {
    const client = await app.registerClient(aClient({ scope: 'openid profile', grant_types: ['authorization_code', 'refresh_token'] }));
    await aUser(app, 'alice');
    const token = await exchangeCode(app, client, await aCode(app, new Browser(app), client, 'alice', { scope: 'openid' }));
    expect(token.body.refresh_token).toEqual(expect.any(String));
  });

  it('RFC 6749 §3.3, §5.1: a client-credentials response with no scope granted has no scope member (never "")', async () => {
    const client = await app.registerClient(aClient({ grant_types: ['client_credentials'], redirect_uris: [], scope: 'openid offline_access' }));
    const res = await tokenRequest(app, client, { grant_type: 'client_credentials' });
    expect(res.status).toBe(200);
    expect(res.body).not.toHaveProperty('scope');
    expect(res.body.access_token).toEqual(expect.any(String));
  });
});

describe('docs/scopes.md: under a registration policy that restricts scopes', () => {
  let app: TestApp;
  const POLICY = 'policies:\n  anonymous:\n    scopes: [openid, profile]\n';
  beforeAll(async () => (app = await createTestApp({ REGISTRATION_POLICY_FILE: writeTempFile('policy.yaml', POLICY), RATE_LIMIT_ENABLED: 'false' })));
  afterAll(() => app.close());

  it('RFC 7591 §3.2.1: an unsupported value is dropped, a supported one the policy does not allow is refused', async () => {
    const dropped = await app.http.post('/register').send(aNativeClient({ scope: 'openid mcp:tools' }));
    expect(dropped.status).toBe(201);
    expect(dropped.body.scope).toBe('openid');
    const refused = await app.http.post('/register').send(aNativeClient({ scope: 'openid offline_access' }));
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('invalid_client_metadata');
    expect(refused.body.error_description).toMatch(/offline_access.*rule scopes/);
  });
});
