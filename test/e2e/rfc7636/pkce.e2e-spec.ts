import { aUser, authorizePath, authorizeThroughPages, Browser, pkcePair } from '../../support/oauth-flow';
import { createTestApp, RegisteredClient, TestApp } from '../../support/test-app';
import { aCode, exchangeCode, tokenRequest } from '../../support/token-helpers';
import { registerWithToken, trustPolicyEnv } from '../../support/trusted-clients';

describe('RFC 7636 Proof Key for Code Exchange', () => {
  let app: TestApp;
  let client: RegisteredClient;
  // Errors redirect only to clients the operator vouched for (RFC 9700 §4.11.2): a trusted policy's token
  beforeAll(async () => (app = await createTestApp({ LOGIN_BCRYPT_COST: '10', ...trustPolicyEnv() })));
  beforeEach(async () => {
    await app.resetDatabase();
    client = await registerWithToken(app);
    await aUser(app, 'alice');
  });
  afterAll(() => app.close());

  const redirectError = async (path: string) => {
    const res = await app.http.get(path);
    expect(res.status).toBe(303);
    return new URL(res.headers.location).searchParams;
  };

  it('RFC 7636 §4.4.1 / RFC 9700 §2.1.1: a missing code_challenge is invalid_request, for confidential clients too by default', async () => {
    const params = await redirectError(authorizePath({ client }));
    expect(params.get('error')).toBe('invalid_request');
    expect(params.get('error_description')).toMatch(/code_challenge/);
  });

  it('RFC 7636 §4.3: code_challenge_method=plain is refused', async () => {
    const { verifier } = pkcePair();
    const path = authorizePath({ client, extra: { code_challenge: verifier, code_challenge_method: 'plain' } });
    expect((await redirectError(path)).get('error')).toBe('invalid_request');
  });

  it('RFC 7636 §4.3: a challenge without method defaults to plain and is refused', async () => {
    const { challenge } = pkcePair();
    expect((await redirectError(authorizePath({ client, extra: { code_challenge: challenge } }))).get('error')).toBe('invalid_request');
  });

  it('RFC 7636 §4.6: a wrong code_verifier is invalid_grant', async () => {
    const code = await aCode(app, new Browser(app), client, 'alice');
    const res = await exchangeCode(app, client, { code: code.code, verifier: pkcePair().verifier });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
  });

  it('RFC 7636 §4.5: a missing code_verifier is invalid_grant', async () => {
    const code = await aCode(app, new Browser(app), client, 'alice');
    const res = await tokenRequest(app, client, { grant_type: 'authorization_code', code: code.code, redirect_uri: client.redirect_uris[0] });
    expect(res.body.error).toBe('invalid_grant');
  });

  it('OAUTH_PKCE_REQUIRED=public: a confidential client may skip PKCE, and then may not send a verifier', async () => {
    const relaxed = await createTestApp({ LOGIN_BCRYPT_COST: '10', OAUTH_PKCE_REQUIRED: 'public', ...trustPolicyEnv() });
    try {
      const confidential = await relaxed.registerClient();
      // (the embedded database is one per process, so this second app sees alice already)
      await aUser(relaxed, 'carol');
      const callback = await authorizeThroughPages(new Browser(relaxed), { client: confidential }, 'carol');
      const code = callback.searchParams.get('code')!;
      // RFC 9700 §2.1.1: a verifier for a code issued without challenge is a downgrade attempt
      const downgraded = await exchangeCode(relaxed, confidential, { code, verifier: pkcePair().verifier });
      expect(downgraded.body.error).toBe('invalid_grant');

      const public_ = await registerWithToken(relaxed, { token_endpoint_auth_method: 'none', redirect_uris: ['http://127.0.0.1:8400/callback'] });
      const res = await relaxed.http.get(authorizePath({ client: public_ }));
      expect(new URL(res.headers.location).searchParams.get('error')).toBe('invalid_request');
    } finally {
      await relaxed.close();
    }
  });

  it('RFC 7636 §4.5 with RFC 6749 §3.2.1: a public client (none) redeems its code with the verifier alone', async () => {
    const native = await app.registerClient({
      application_type: 'native',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      redirect_uris: ['http://127.0.0.1:8400/callback'],
    });
    const code = await aCode(app, new Browser(app), native, 'alice');
    const res = await exchangeCode(app, native, code);
    expect(res.status).toBe(200);
    expect(res.body.refresh_token).toEqual(expect.any(String));
    const refreshed = await tokenRequest(app, native, { grant_type: 'refresh_token', refresh_token: res.body.refresh_token });
    expect(refreshed.status).toBe(200);
  });
});
