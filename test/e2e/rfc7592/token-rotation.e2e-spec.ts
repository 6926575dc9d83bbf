import { createTestApp, TestApp } from '../../support/test-app';

const bearer = { type: 'bearer' as const };

describe('RFC 7592 §3: registration access token rotation, REGISTRATION_TOKEN_ROTATION=on-every-use', () => {
  let app: TestApp;
  beforeAll(async () => (app = await createTestApp({ REGISTRATION_TOKEN_ROTATION: 'on-every-use', REGISTRATION_TOKEN_GRACE_SECONDS: '0' })));
  afterAll(() => app.close());

  it('RFC 7592 §3: every read returns a new token; with no grace period the previous one stops working', async () => {
    const reg = await app.registerClient();
    const first = await app.http.get(`/register/${reg.client_id}`).auth(reg.registration_access_token, bearer);
    expect(first.status).toBe(200);
    expect(first.body.registration_access_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const old = await app.http.get(`/register/${reg.client_id}`).auth(reg.registration_access_token, bearer);
    expect(old.status).toBe(401);
    const next = await app.http.get(`/register/${reg.client_id}`).auth(first.body.registration_access_token, bearer);
    expect(next.status).toBe(200);
    expect(next.body.registration_access_token).not.toBe(first.body.registration_access_token);
  });
});

describe('RFC 7592 §3: registration access token rotation, REGISTRATION_TOKEN_ROTATION=never', () => {
  let app: TestApp;
  beforeAll(async () => (app = await createTestApp({ REGISTRATION_TOKEN_ROTATION: 'never', REGISTRATION_TOKEN_TTL_SECONDS: '3600' })));
  afterAll(() => app.close());

  it('RFC 7592 §3: updates return no token and the registered one keeps working until it expires', async () => {
    const reg = await app.registerClient();
    const body = { client_id: reg.client_id, client_secret: reg.client_secret, redirect_uris: reg.redirect_uris };
    const update = await app.http.put(`/register/${reg.client_id}`).auth(reg.registration_access_token, bearer).send(body);
    expect(update.status).toBe(200);
    expect(update.body).not.toHaveProperty('registration_access_token');
    expect((await app.http.get(`/register/${reg.client_id}`).auth(reg.registration_access_token, bearer)).status).toBe(200);
    const [token] = await app.dataSource.query('SELECT expires_at FROM registration_tokens');
    const ttl = (new Date(token.expires_at).getTime() - Date.now()) / 1000;
    expect(ttl).toBeGreaterThan(3500);
    expect(ttl).toBeLessThanOrEqual(3600);
  });
});

describe('RFC 7591 §3.2.1: client_secret_expires_at with CLIENT_SECRET_TTL_SECONDS', () => {
  let app: TestApp;
  beforeAll(async () => (app = await createTestApp({ CLIENT_SECRET_TTL_SECONDS: '86400' })));
  afterAll(() => app.close());

  it('RFC 7591 §3.2.1: reports when the secret expires, in seconds since the epoch', async () => {
    const reg = await app.registerClient();
    expect(reg.client_secret_expires_at).toBe((reg.client_id_issued_at as number) + 86400);
  });
});
