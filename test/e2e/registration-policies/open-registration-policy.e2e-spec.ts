import { aNativeClient } from '../../support/builders';
import { writeTempFile } from '../../support/policy-files';
import { createTestApp, TestApp } from '../../support/test-app';

const POLICY = `
open_registration_policy: anonymous
initial_access_token_policy: partners
policies:
  anonymous:
    redirect_uris:
      schemes: [https, http, com.example.app]
      hosts: [localhost, 127.0.0.1, "*.apps.example"]
    grant_types: [authorization_code]
    token_endpoint_auth_methods: [none]
    scopes: [openid, profile]
    public_pkce_clients_only: true
    metadata_uris_match_redirect_uris: true
    quotas:
      per_software_id_per_day: 2
      per_source_address_per_day: 6
  partners: {}
`;

/** A public browser client on an allowed host: what the anonymous policy admits. */
const anAnonymousClient = (overrides: Record<string, unknown> = {}) => ({
  redirect_uris: ['https://spa.apps.example/callback'],
  client_name: 'SPA',
  ...overrides,
});

describe('docs/registration-policies.md: the open-registration policy holds anonymous clients to its rules (RFC 7591 §3.2.2 errors)', () => {
  let app: TestApp;
  beforeAll(async () => (app = await createTestApp({ REGISTRATION_POLICY_FILE: writeTempFile('policy.yaml', POLICY), RATE_LIMIT_ENABLED: 'false' })));
  beforeEach(() => app.resetDatabase());
  afterAll(() => app.close());

  const register = (body: Record<string, unknown>) => app.http.post('/register').send(body);

  it('admits a public PKCE client: token_endpoint_auth_method "none" and the policy scopes substituted (RFC 7591 §3.2.1)', async () => {
    const res = await register(anAnonymousClient());
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ token_endpoint_auth_method: 'none', scope: 'openid profile' });
    expect(res.body).not.toHaveProperty('client_secret');
    expect((await app.dataSource.query('SELECT registration_policy FROM clients'))[0].registration_policy).toBe('anonymous');
  });

  it.each([
    ['a scheme outside redirect_uris.schemes', { application_type: 'native', redirect_uris: ['org.example.app:/cb'] }, 'invalid_redirect_uri', /rule redirect_uris.schemes/],
    ['a host outside redirect_uris.hosts', { redirect_uris: ['https://evil.example/cb'] }, 'invalid_redirect_uri', /host .evil.example. is not allowed.*rule redirect_uris.hosts/],
    ['the bare parent of a "*." host', { redirect_uris: ['https://apps.example/cb'] }, 'invalid_redirect_uri', /rule redirect_uris.hosts/],
    ['a confidential client', { token_endpoint_auth_method: 'client_secret_basic' }, 'invalid_client_metadata', /rule public_pkce_clients_only/],
    ['a grant outside grant_types', { grant_types: ['authorization_code', 'refresh_token'] }, 'invalid_client_metadata', /grant_types: .refresh_token. is not allowed.*rule grant_types/],
    ['a scope outside scopes', { scope: 'openid email' }, 'invalid_client_metadata', /scope: .email. is not allowed.*rule scopes/],
    ['RFC 7591 §5: a logo on another host', { logo_uri: 'https://cdn.example/logo.png' }, 'invalid_client_metadata', /logo_uri.*RFC 7591.*rule metadata_uris_match_redirect_uris/],
    ['RFC 7591 §5: a policy_uri on another scheme', { policy_uri: 'http://spa.apps.example/privacy' }, 'invalid_client_metadata', /policy_uri/],
    ['RFC 7591 §5: a jwks_uri on a private address', { jwks_uri: 'https://192.168.1.10/jwks' }, 'invalid_client_metadata', /jwks_uri/],
  ])('refuses %s with an error_description naming the rule', async (_what, overrides, error, description) => {
    const res = await register(anAnonymousClient(overrides));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe(error);
    expect(res.body.error_description).toMatch(description);
    expect(await app.dataSource.query('SELECT 1 FROM clients')).toHaveLength(0);
  });

  it('admits native loopback and private-use redirect URIs the policy lists', async () => {
    const res = await register(aNativeClient({ scope: 'openid' }));
    expect(res.status).toBe(201);
  });

  it('quota per software_id per day → 403 access_denied naming the rule; other software is unaffected', async () => {
    for (let i = 0; i < 2; i += 1) expect((await register(anAnonymousClient({ software_id: 'spam-kit' }))).status).toBe(201);
    const refused = await register(anAnonymousClient({ software_id: 'spam-kit' }));
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({ error: 'access_denied', error_description: expect.stringMatching(/rule quotas.per_software_id_per_day/) });
    expect((await register(anAnonymousClient({ software_id: 'other-app' }))).status).toBe(201);
  });

  it('quota per source address per day → 403; registrations older than a day no longer count', async () => {
    for (let i = 0; i < 6; i += 1) expect((await register(anAnonymousClient())).status).toBe(201);
    const refused = await register(anAnonymousClient());
    expect(refused.status).toBe(403);
    expect(refused.body.error_description).toMatch(/rule quotas.per_source_address_per_day/);
    await app.dataSource.query(`UPDATE clients SET issued_at = now() - interval '25 hours'`);
    expect((await register(anAnonymousClient())).status).toBe(201);
  });

  it('quota: concurrent registrations from one address cannot overshoot the daily limit', async () => {
    const results = await Promise.all(Array.from({ length: 9 }, () => register(anAnonymousClient())));
    expect(results.filter((res) => res.status === 201)).toHaveLength(6);
    expect(results.filter((res) => res.status === 403)).toHaveLength(3);
  });

  it('binding: an RFC 7592 §2.2 update is judged under the same policy, so the client cannot widen itself', async () => {
    const reg = await app.registerClient(anAnonymousClient());
    const bearer = { type: 'bearer' as const };
    const widen = await app.http
      .put(`/register/${reg.client_id}`)
      .auth(reg.registration_access_token, bearer)
      .send({ client_id: reg.client_id, redirect_uris: ['https://evil.example/cb'], token_endpoint_auth_method: 'none' });
    expect(widen.status).toBe(400);
    expect(widen.body).toEqual({ error: 'invalid_redirect_uri', error_description: expect.stringMatching(/registration policy .anonymous./) });
    const confidential = await app.http
      .put(`/register/${reg.client_id}`)
      .auth(reg.registration_access_token, bearer)
      .send({ client_id: reg.client_id, redirect_uris: reg.redirect_uris, token_endpoint_auth_method: 'client_secret_post' });
    expect(confidential.status).toBe(400);
    expect(confidential.body.error_description).toMatch(/rule public_pkce_clients_only/);
    const allowed = await app.http
      .put(`/register/${reg.client_id}`)
      .auth(reg.registration_access_token, bearer)
      .send({ client_id: reg.client_id, redirect_uris: ['https://other.apps.example/cb'], client_name: 'Renamed' });
    expect(allowed.status).toBe(200);
    expect(allowed.body).toMatchObject({ client_name: 'Renamed', token_endpoint_auth_method: 'none', scope: 'openid profile' });
  });
});

describe('docs/registration-policies.md: a bad policy file stops start-up naming the offending key', () => {
  it.each([
    ['policies:\n  anonymous:\n    grant_type: [authorization_code]\n', /REGISTRATION_POLICY_FILE=.*\n.*policies\.anonymous\.grant_type: unknown key/],
    ['policies:\n  anonymous:\n    scopes: [openid, admin]\n', /policies\.anonymous\.scopes\[1\]: "admin"/],
    ['policies: [\n', /REGISTRATION_POLICY_FILE=/],
  ])('%j', async (content, message) => {
    await expect(createTestApp({ REGISTRATION_POLICY_FILE: writeTempFile('bad.yaml', content) })).rejects.toThrow(message);
  });

  it('a missing file is named too', async () => {
    await expect(createTestApp({ REGISTRATION_POLICY_FILE: '/nonexistent/tessera-policy.yaml' })).rejects.toThrow(
      /REGISTRATION_POLICY_FILE=\/nonexistent\/tessera-policy.yaml/,
    );
  });
});
