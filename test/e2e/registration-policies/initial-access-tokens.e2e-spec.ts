import { runCli } from '../../../apps/oauth-server/src/cli/run-cli';
import { aClient } from '../../support/builders';
import { writeTempFile } from '../../support/policy-files';
import { createTestApp, TestApp } from '../../support/test-app';

const POLICY = `
open_registration_policy: anonymous
initial_access_token_policy: partners
policies:
  anonymous:
    redirect_uris: { hosts: ["*.apps.example"] }
    public_pkce_clients_only: true
  partners:
    grant_types: [authorization_code, refresh_token, client_credentials]
    quotas: { per_initial_access_token: 3 }
`;

function cliFor(getApp: () => TestApp) {
  const out: string[] = [];
  const err: string[] = [];
  const run = async (...argv: string[]) => runCli(argv, getApp().config, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { out, err, run, reset: () => ((out.length = 0), (err.length = 0)) };
}

describe('RFC 7591 §3 initial access tokens minted by the operator', () => {
  let app: TestApp;
  const cli = cliFor(() => app);
  beforeAll(async () => (app = await createTestApp({ REGISTRATION_POLICY_FILE: writeTempFile('policy.yaml', POLICY), RATE_LIMIT_ENABLED: 'false' })));
  beforeEach(async () => {
    cli.reset();
    await app.resetDatabase();
  });
  afterAll(() => app.close());

  const mint = async (...extra: string[]): Promise<{ id: string; initial_access_token: string; remaining: number | null }> => {
    expect(await cli.run('iat:mint', '--label', 'Partner Co', '--json', ...extra)).toBe(0);
    return JSON.parse(cli.out.pop()!);
  };
  const registerWith = (token: string, body: Record<string, unknown> = {}) =>
    app.http.post('/register').auth(token, { type: 'bearer' }).send(aClient(body));

  it('iat:mint prints the token once; only its keyed hash is stored; iat:list shows the policy default count', async () => {
    const minted = await mint();
    expect(minted).toMatchObject({ policy: 'partners', max_registrations: 3, remaining: 3, status: 'active' });
    const rows = await app.dataSource.query('SELECT * FROM initial_access_tokens');
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(minted.initial_access_token);
    expect(await cli.run('iat:list', '--json')).toBe(0);
    const listed = JSON.parse(cli.out.pop()!);
    expect(listed).toEqual([expect.objectContaining({ id: minted.id, remaining: 3 })]);
    expect(JSON.stringify(listed)).not.toContain(minted.initial_access_token);
  });

  it('RFC 7591 §3: the token admits under its own policy — a confidential client_credentials client the anonymous policy refuses', async () => {
    const body = { grant_types: ['client_credentials'], response_types: [], redirect_uris: [] };
    expect((await app.http.post('/register').send(aClient(body))).status).toBe(400);
    const { initial_access_token: token, id } = await mint();
    const res = await registerWith(token, body);
    expect(res.status).toBe(201);
    expect(res.body.client_secret).toEqual(expect.any(String));
    const [row] = await app.dataSource.query('SELECT registration_policy, initial_access_token_id FROM clients WHERE client_id = $1', [res.body.client_id]);
    expect(row).toEqual({ registration_policy: 'partners', initial_access_token_id: id });
    expect((await app.dataSource.query('SELECT remaining FROM initial_access_tokens'))[0].remaining).toBe(2);
  });

  it('binding: a client registered with the partner token is updated under the partner policy, not the anonymous one', async () => {
    const { initial_access_token: token } = await mint();
    const reg = (await registerWith(token, { redirect_uris: ['https://partner.example/cb'] })).body;
    const res = await app.http
      .put(`/register/${reg.client_id}`)
      .auth(reg.registration_access_token, { type: 'bearer' })
      .send({ client_id: reg.client_id, client_secret: reg.client_secret, redirect_uris: ['https://partner.example/cb2'] });
    expect(res.status).toBe(200);
    expect(res.body.redirect_uris).toEqual(['https://partner.example/cb2']);
  });

  it('the last use: two concurrent registrations on a token with one use left → exactly one 201 and one 403', async () => {
    const { initial_access_token: token } = await mint('--max-registrations', '1');
    const results = await Promise.all([registerWith(token), registerWith(token)]);
    expect(results.map((res) => res.status).sort()).toEqual([201, 403]);
    const refused = results.find((res) => res.status === 403)!;
    expect(refused.body).toEqual({ error: 'access_denied', error_description: expect.stringMatching(/no registrations left/) });
    expect(await app.dataSource.query('SELECT 1 FROM clients')).toHaveLength(1);
    expect((await app.dataSource.query('SELECT remaining FROM initial_access_tokens'))[0].remaining).toBe(0);
    expect((await registerWith(token)).status).toBe(403);
  });

  it('many concurrent registrations never take more uses than the token has', async () => {
    const { initial_access_token: token } = await mint('--max-registrations', '3');
    const results = await Promise.all(Array.from({ length: 8 }, () => registerWith(token)));
    expect(results.filter((res) => res.status === 201)).toHaveLength(3);
    expect(results.filter((res) => res.status === 403)).toHaveLength(5);
    expect(await app.dataSource.query('SELECT 1 FROM clients')).toHaveLength(3);
  });

  it('RFC 6750 §3.1: a revoked or expired token → 401 invalid_token; clients registered before stay', async () => {
    const { initial_access_token: token, id } = await mint();
    expect((await registerWith(token)).status).toBe(201);
    expect(await cli.run('iat:revoke', id)).toBe(0);
    expect(cli.out.pop()).toBe(`Initial access token ${id} revoked`);
    const revoked = await registerWith(token);
    expect(revoked.status).toBe(401);
    expect(revoked.body).toEqual({ error: 'invalid_token', error_description: 'the initial access token has been revoked' });
    expect(await app.dataSource.query('SELECT 1 FROM clients')).toHaveLength(1);

    const other = await mint();
    await app.dataSource.query(`UPDATE initial_access_tokens SET expires_at = now() - interval '1 second' WHERE id = $1`, [other.id]);
    const expired = await registerWith(other.initial_access_token);
    expect(expired.status).toBe(401);
    expect(expired.body.error_description).toBe('the initial access token has expired');
    expect((await registerWith('not-a-token')).status).toBe(401);
  });

  it('iat:mint --policy names a policy of the file; --expires-in takes 12h or 7d', async () => {
    const minted = await mint('--policy', 'anonymous', '--expires-in', '12h', '--max-registrations', '5');
    expect(minted).toMatchObject({ policy: 'anonymous', max_registrations: 5 });
    const ttl = (new Date((minted as unknown as { expires_at: string }).expires_at).getTime() - Date.now()) / 1000;
    expect(ttl).toBeGreaterThan(11 * 3600);
    expect(ttl).toBeLessThanOrEqual(12 * 3600);
    // Bound to "anonymous": the public-only rule applies even though a token was used.
    const res = await registerWith(minted.initial_access_token, { redirect_uris: ['https://x.apps.example/cb'], token_endpoint_auth_method: 'client_secret_basic' });
    expect(res.status).toBe(400);
    expect(res.body.error_description).toMatch(/public_pkce_clients_only/);
  });

  it.each([
    [['iat:mint'], 2, /^Usage: npm run cli -- iat:mint/],
    [['iat:mint', '--label'], 2, /^Usage/],
    [['iat:mint', '--label', 'x', '--max-registrations', '0'], 2, /^Usage/],
    [['iat:mint', '--label', 'x', '--expires-in', 'soon'], 2, /^Usage/],
    [['iat:mint', '--label', 'x', '--colour', 'red'], 2, /^Usage/],
    [['iat:mint', '--label', 'x', '--policy', 'vip'], 2, /No registration policy named .vip.; known: anonymous, partners/],
    [['iat:revoke'], 2, /^Usage: npm run cli -- iat:revoke/],
    [['iat:revoke', 'abc'], 2, /^Usage/],
    [['iat:revoke', '00000000-0000-4000-8000-000000000000'], 1, /No live initial access token/],
    [['iat:list', 'extra'], 2, /^Usage: npm run cli -- iat:list/],
  ])('bad arguments: %j → exit %i with a clear message', async (argv, code, message) => {
    expect(await cli.run(...(argv as string[]))).toBe(code);
    expect(cli.err.pop()).toMatch(message);
  });
});

describe('RFC 7591 §3: REGISTRATION_MODE=protected with minted tokens (no static token configured)', () => {
  let app: TestApp;
  const cli = cliFor(() => app);
  beforeAll(async () => (app = await createTestApp({ REGISTRATION_MODE: 'protected', RATE_LIMIT_ENABLED: 'false' })));
  afterAll(() => app.close());

  it('RFC 6750 §3.1: anonymous → 401 without an error code; a minted token → 201 under the built-in policy', async () => {
    const anonymous = await app.http.post('/register').send(aClient());
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toEqual({});
    expect(await cli.run('iat:mint', '--label', 'ops', '--json')).toBe(0);
    const { initial_access_token: token, max_registrations } = JSON.parse(cli.out.pop()!);
    expect(max_registrations).toBeNull();
    const res = await app.http.post('/register').auth(token, { type: 'bearer' }).send(aClient());
    expect(res.status).toBe(201);
    expect((await app.dataSource.query('SELECT registration_policy FROM clients'))[0].registration_policy).toBe('default');
  });
});
