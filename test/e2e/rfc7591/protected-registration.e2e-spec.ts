import { aClient } from '../../support/builders';
import { createTestApp, TEST_ISSUER, TestApp } from '../../support/test-app';

const INITIAL_ACCESS_TOKEN = 'iat-for-tests-0123456789abcdefghijklmnop';

describe('RFC 7591 §3: protected registration with an initial access token (REGISTRATION_MODE=protected)', () => {
  let app: TestApp;
  beforeAll(async () => (app = await createTestApp({ REGISTRATION_MODE: 'protected', REGISTRATION_INITIAL_ACCESS_TOKEN: INITIAL_ACCESS_TOKEN })));
  afterAll(() => app.close());

  it('RFC 6750 §3.1: without a token → 401 with a bare Bearer challenge', async () => {
    const res = await app.http.post('/register').send(aClient());
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe(`Bearer realm="${TEST_ISSUER}"`);
  });

  it('RFC 6750 §3.1: a wrong token → 401 invalid_token', async () => {
    const res = await app.http.post('/register').auth('wrong-token', { type: 'bearer' }).send(aClient());
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_token');
    expect(res.headers['www-authenticate']).toMatch(/error="invalid_token"/);
  });

  it('RFC 7591 §3: the operator’s initial access token registers the client', async () => {
    const res = await app.http.post('/register').auth(INITIAL_ACCESS_TOKEN, { type: 'bearer' }).send(aClient());
    expect(res.status).toBe(201);
    expect(res.body.client_id).toEqual(expect.any(String));
  });
});
