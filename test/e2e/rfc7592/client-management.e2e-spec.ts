import { aClient, aNativeClient } from '../../support/builders';
import { createTestApp, TEST_ISSUER, TestApp } from '../../support/test-app';

const REALM = `Bearer realm="${TEST_ISSUER}"`;

describe('RFC 7592 §2 Client Configuration Endpoint: the registration access token (RFC 6750)', () => {
  let app: TestApp;
  beforeAll(async () => (app = await createTestApp()));
  beforeEach(() => app.resetDatabase());
  afterAll(() => app.close());

  it('RFC 6750 §3.1: no credentials → 401 with a bare Bearer challenge and no error code', async () => {
    const reg = await app.registerClient();
    const res = await app.http.get(`/register/${reg.client_id}`);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe(REALM);
    expect(res.text).toBe('');
  });

  it('RFC 6750 §2.1: a token anywhere but the Authorization header is not accepted', async () => {
    const reg = await app.registerClient();
    const res = await app.http.get(`/register/${reg.client_id}?access_token=${reg.registration_access_token}`);
    expect(res.status).toBe(401);
  });

  it('RFC 6750 §3.1: an unknown token → 401 invalid_token in the challenge and the JSON body', async () => {
    const reg = await app.registerClient();
    const res = await app.http.get(`/register/${reg.client_id}`).auth('not-a-real-token', { type: 'bearer' });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(
      new RegExp(`^${REALM}, error="invalid_token", error_description="[^"]+"$`),
    );
    expect(res.body).toEqual({ error: 'invalid_token', error_description: expect.any(String) });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('RFC 6750 §2.1: the Bearer scheme name is case-insensitive', async () => {
    const reg = await app.registerClient();
    const res = await app.http.get(`/register/${reg.client_id}`).set('Authorization', `bearer ${reg.registration_access_token}`);
    expect(res.status).toBe(200);
  });

  it("RFC 7592 §2.1: another client's token → 401, reveals nothing and is revoked at once", async () => {
    const alice = await app.registerClient({ client_name: 'alice' });
    const bob = await app.registerClient({ client_name: 'bob' });
    const res = await app.http.get(`/register/${bob.client_id}`).auth(alice.registration_access_token, { type: 'bearer' });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_token');
    expect(JSON.stringify(res.body)).not.toContain('bob');
    const again = await app.http.get(`/register/${alice.client_id}`).auth(alice.registration_access_token, { type: 'bearer' });
    expect(again.status).toBe(401);
  });

  it('RFC 7592 §2.1: a client that does not exist → 401, the same answer as for another client, and the token is revoked', async () => {
    const reg = await app.registerClient();
    const res = await app.http.get('/register/no-such-client').auth(reg.registration_access_token, { type: 'bearer' });
    expect(res.status).toBe(401);
    const other = await app.registerClient();
    const otherRes = await app.http.get(`/register/${other.client_id}`).auth(other.registration_access_token + 'x', { type: 'bearer' });
    expect(res.body).toEqual(otherRes.body);
    const again = await app.http.get(`/register/${reg.client_id}`).auth(reg.registration_access_token, { type: 'bearer' });
    expect(again.status).toBe(401);
  });

  it('RFC 6750 §3.1: an expired token → 401 invalid_token naming the expiry', async () => {
    const reg = await app.registerClient();
    await app.dataSource.query(`UPDATE registration_tokens SET expires_at = now() - interval '1 second'`);
    const res = await app.http.get(`/register/${reg.client_id}`).auth(reg.registration_access_token, { type: 'bearer' });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'invalid_token', error_description: expect.stringMatching(/expired/) });
  });
});

describe('RFC 7592 §2.1 Client Read Request', () => {
  let app: TestApp;
  beforeAll(async () => (app = await createTestApp()));
  beforeEach(() => app.resetDatabase());
  afterAll(() => app.close());

  it('RFC 7592 §3: answers 200 with the current metadata and registration_client_uri, never the secret', async () => {
    const reg = await app.registerClient({ client_name: 'Reader', scope: 'openid' });
    const res = await app.http.get(`/register/${reg.client_id}`).auth(reg.registration_access_token, { type: 'bearer' });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const { client_secret: _secret, registration_access_token: _token, ...expected } = reg;
    expect(res.body).toEqual({ ...expected, registration_access_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    expect(JSON.stringify(res.body)).not.toContain(reg.client_secret as string);
  });

  it('RFC 7592 §3: every read response carries a new registration_access_token (default rotation on-every-use)', async () => {
    const reg = await app.registerClient();
    const first = await app.http.get(`/register/${reg.client_id}`).auth(reg.registration_access_token, { type: 'bearer' });
    expect(first.status).toBe(200);
    expect(first.body.registration_access_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.body.registration_access_token).not.toBe(reg.registration_access_token);
    const second = await app.http.get(`/register/${reg.client_id}`).auth(first.body.registration_access_token, { type: 'bearer' });
    expect(second.status).toBe(200);
    // The rotated-out token still works within REGISTRATION_TOKEN_GRACE_SECONDS (a lost response can be retried).
    const retry = await app.http.get(`/register/${reg.client_id}`).auth(reg.registration_access_token, { type: 'bearer' });
    expect(retry.status).toBe(200);
  });
});

describe('RFC 7592 §2.2 Client Update Request', () => {
  let app: TestApp;
  beforeAll(async () => (app = await createTestApp()));
  beforeEach(() => app.resetDatabase());
  afterAll(() => app.close());

  const put = (reg: { client_id: string }, token: string, body: Record<string, unknown>) =>
    app.http.put(`/register/${reg.client_id}`).auth(token, { type: 'bearer' }).send(body);

  it('RFC 7592 §2.2: replaces the metadata and answers 200 with it', async () => {
    const reg = await app.registerClient({ client_name: 'Before' });
    const res = await put(reg, reg.registration_access_token, {
      client_id: reg.client_id,
      client_secret: reg.client_secret,
      redirect_uris: ['https://app.example.com/new-callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      client_name: 'After',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      client_id: reg.client_id,
      redirect_uris: ['https://app.example.com/new-callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      client_name: 'After',
      client_id_issued_at: reg.client_id_issued_at,
      client_secret_expires_at: 0,
      registration_client_uri: reg.registration_client_uri,
    });
    expect(res.body).not.toHaveProperty('client_secret');
    const read = await app.http.get(`/register/${reg.client_id}`).auth(res.body.registration_access_token, { type: 'bearer' });
    expect(read.body.client_name).toBe('After');
  });

  it('RFC 7592 §2.2: omitted fields are treated as null, so registration defaults apply again', async () => {
    const reg = await app.registerClient({ client_name: 'x', grant_types: ['authorization_code', 'refresh_token'], logo_uri: 'https://app.example.com/l.png' });
    const res = await put(reg, reg.registration_access_token, {
      client_id: reg.client_id,
      client_secret: reg.client_secret,
      redirect_uris: reg.redirect_uris,
    });
    expect(res.status).toBe(200);
    expect(res.body.grant_types).toEqual(['authorization_code']);
    expect(res.body).not.toHaveProperty('client_name');
    expect(res.body).not.toHaveProperty('logo_uri');
  });

  it('RFC 7592 §2.2: an omitted required field (redirect_uris of a code client) is a validation error', async () => {
    const reg = await app.registerClient();
    const res = await put(reg, reg.registration_access_token, { client_id: reg.client_id, client_secret: reg.client_secret });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_redirect_uri');
  });

  it('RFC 7592 §2.2: client_id must be present and equal the one in the URL', async () => {
    const reg = await app.registerClient();
    const missing = await put(reg, reg.registration_access_token, { client_secret: reg.client_secret, redirect_uris: reg.redirect_uris });
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({ error: 'invalid_request', error_description: expect.stringMatching(/client_id/) });
    const other = await put(reg, reg.registration_access_token, { client_id: 'someone-else', client_secret: reg.client_secret, redirect_uris: reg.redirect_uris });
    expect(other.status).toBe(400);
    expect(other.body).toEqual({ error: 'invalid_request', error_description: expect.stringMatching(/client_id/) });
  });

  it('RFC 7592 §2.2: a confidential client must send its current client_secret, and cannot choose a new one', async () => {
    const reg = await app.registerClient();
    const base = { client_id: reg.client_id, redirect_uris: reg.redirect_uris };
    const missing = await put(reg, reg.registration_access_token, base);
    expect(missing.status).toBe(400);
    expect(missing.body.error_description).toMatch(/client_secret/);
    const wrong = await put(reg, reg.registration_access_token, { ...base, client_secret: 'chosen-by-the-client' });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toEqual({ error: 'invalid_request', error_description: expect.stringMatching(/client_secret/) });
  });

  it.each(['registration_access_token', 'registration_client_uri', 'client_secret_expires_at', 'client_id_issued_at'])(
    'RFC 7592 §2.2: a body containing %s is refused with invalid_request naming it',
    async (field) => {
      const reg = await app.registerClient();
      const res = await put(reg, reg.registration_access_token, {
        client_id: reg.client_id,
        client_secret: reg.client_secret,
        redirect_uris: reg.redirect_uris,
        [field]: (reg as Record<string, unknown>)[field] ?? 0,
      });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_request');
      expect(res.body.error_description).toContain(field);
    },
  );

  it('RFC 7592 §2.2: the same validation and errors as registration apply', async () => {
    const reg = await app.registerClient();
    const res = await put(reg, reg.registration_access_token, {
      client_id: reg.client_id,
      client_secret: reg.client_secret,
      redirect_uris: ['javascript:alert(1)'],
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_redirect_uri');
    const typed = await put(reg, reg.registration_access_token, { client_id: reg.client_id, client_secret: reg.client_secret, redirect_uris: 'x' });
    expect(typed.body.error).toBe('invalid_client_metadata');
  });

  it('RFC 7592 §2.2: a public client cannot turn itself confidential (the new secret could be lost with the response)', async () => {
    const reg = await app.registerClient(aNativeClient());
    const res = await put(reg, reg.registration_access_token, {
      client_id: reg.client_id,
      redirect_uris: reg.redirect_uris,
      application_type: 'native',
      token_endpoint_auth_method: 'client_secret_basic',
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_client_metadata', error_description: expect.stringMatching(/public client cannot become confidential/) });
  });

  it('RFC 7592 §2.2: a confidential client may turn public; its secret is dropped', async () => {
    const reg = await app.registerClient();
    const res = await put(reg, reg.registration_access_token, {
      client_id: reg.client_id,
      client_secret: reg.client_secret,
      redirect_uris: reg.redirect_uris,
      token_endpoint_auth_method: 'none',
    });
    expect(res.status).toBe(200);
    expect(res.body).not.toHaveProperty('client_secret_expires_at');
    const [row] = await app.dataSource.query('SELECT secret_hash FROM clients WHERE client_id = $1', [reg.client_id]);
    expect(row.secret_hash).toBeNull();
  });

  it('RFC 7592 §2.2: client_secret null or of the wrong type is a 400, never a 500', async () => {
    const reg = await app.registerClient();
    const nullSecret = await put(reg, reg.registration_access_token, { client_id: reg.client_id, client_secret: null, redirect_uris: reg.redirect_uris });
    expect(nullSecret.status).toBe(400);
    expect(nullSecret.body.error_description).toMatch(/client_secret/);
    const numberSecret = await put(reg, reg.registration_access_token, { client_id: reg.client_id, client_secret: 5, redirect_uris: reg.redirect_uris });
    expect(numberSecret.status).toBe(400);
    expect(numberSecret.body.error_description).toMatch(/client_secret/);
  });

  it('RFC 7592 §3: an update returns a new token; the old one works only within the grace period', async () => {
    const reg = await app.registerClient();
    const body = { client_id: reg.client_id, client_secret: reg.client_secret, redirect_uris: reg.redirect_uris };
    const first = await put(reg, reg.registration_access_token, body);
    expect(first.status).toBe(200);
    const rotated = first.body.registration_access_token as string;
    expect(rotated).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(rotated).not.toBe(reg.registration_access_token);
    // The response was "lost": the client retries with the token it still has, within the grace period.
    const retry = await put(reg, reg.registration_access_token, body);
    expect(retry.status).toBe(200);
    await app.dataSource.query(`UPDATE registration_tokens SET expires_at = now() - interval '1 second' WHERE expires_at < now() + interval '1 hour'`);
    const late = await app.http.get(`/register/${reg.client_id}`).auth(reg.registration_access_token, { type: 'bearer' });
    expect(late.status).toBe(401);
    const current = await app.http.get(`/register/${reg.client_id}`).auth(retry.body.registration_access_token, { type: 'bearer' });
    expect(current.status).toBe(200);
  });

  it('RFC 7592 §2.2: concurrent PUTs on one client leave it in one of the submitted states', async () => {
    const reg = await app.registerClient();
    const names = Array.from({ length: 8 }, (_, i) => `name-${i}`);
    const results = await Promise.all(
      names.map((client_name, i) =>
        put(reg, reg.registration_access_token, {
          client_id: reg.client_id,
          client_secret: reg.client_secret,
          redirect_uris: [`https://app.example.com/cb/${i}`],
          client_name,
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(names.map(() => 200));
    const [row] = await app.dataSource.query('SELECT metadata FROM clients WHERE client_id = $1', [reg.client_id]);
    const i = names.indexOf(row.metadata.client_name);
    expect(i).toBeGreaterThanOrEqual(0);
    expect(row.metadata.redirect_uris).toEqual([`https://app.example.com/cb/${i}`]);
  });

  it('RFC 7592 §2.2 (application/json): a wrong content type on update gets 415', async () => {
    const reg = await app.registerClient();
    const res = await app.http.put(`/register/${reg.client_id}`).auth(reg.registration_access_token, { type: 'bearer' }).type('form').send({ client_id: reg.client_id });
    expect(res.status).toBe(415);
  });
});

describe('RFC 7592 §2.3 Client Delete Request', () => {
  let app: TestApp;
  beforeAll(async () => (app = await createTestApp()));
  beforeEach(() => app.resetDatabase());
  afterAll(() => app.close());

  it('RFC 7592 §2.3: answers 204 with no body, and the client and its token stop working at once', async () => {
    const reg = await app.registerClient();
    const res = await app.http.delete(`/register/${reg.client_id}`).auth(reg.registration_access_token, { type: 'bearer' });
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(await app.dataSource.query('SELECT 1 FROM clients WHERE client_id = $1', [reg.client_id])).toHaveLength(0);
    expect(await app.dataSource.query('SELECT 1 FROM registration_tokens WHERE client_id = $1', [reg.client_id])).toHaveLength(0);
    const read = await app.http.get(`/register/${reg.client_id}`).auth(reg.registration_access_token, { type: 'bearer' });
    expect(read.status).toBe(401);
  });

  it('RFC 7592 §2.3: a second DELETE → 401', async () => {
    const reg = await app.registerClient();
    await app.http.delete(`/register/${reg.client_id}`).auth(reg.registration_access_token, { type: 'bearer' });
    const again = await app.http.delete(`/register/${reg.client_id}`).auth(reg.registration_access_token, { type: 'bearer' });
    expect(again.status).toBe(401);
    expect(again.body.error).toBe('invalid_token');
  });

  it("RFC 7592 §2.3: deleting one client leaves the others' registrations and tokens intact", async () => {
    const keep = await app.registerClient();
    const drop = await app.registerClient(aClient({ client_name: 'drop' }));
    await app.http.delete(`/register/${drop.client_id}`).auth(drop.registration_access_token, { type: 'bearer' });
    const res = await app.http.get(`/register/${keep.client_id}`).auth(keep.registration_access_token, { type: 'bearer' });
    expect(res.status).toBe(200);
  });
});
