import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { writeTempFile } from '../../support/policy-files';
import { createTestApp, TestApp } from '../../support/test-app';

const ISSUER = 'https://partners.example';

type Key = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

describe('RFC 7591 §2.3 / §3.1.1 software statements', () => {
  let app: TestApp;
  let partnerKey: Key;
  let strangerKey: Key;
  let rsaKey: Key;

  /** Signs a statement as a partner would: ES256 with the key whose public half the operator trusts. */
  const statement = (claims: Record<string, unknown>, options: { key?: Key; alg?: string; kid?: string; iat?: number; exp?: number } = {}) => {
    const jwt = new SignJWT({ software_id: 'approved-app', client_name: 'Signed Name', ...claims })
      .setProtectedHeader({ alg: options.alg ?? 'ES256', kid: options.kid ?? 'partner-2026' })
      .setIssuedAt(options.iat ?? Math.floor(Date.now() / 1000));
    if (claims.iss === undefined) jwt.setIssuer(ISSUER);
    if (options.exp !== undefined) jwt.setExpirationTime(options.exp);
    return jwt.sign(options.key ?? partnerKey);
  };

  beforeAll(async () => {
    const partner = await generateKeyPair('ES256', { extractable: true });
    partnerKey = partner.privateKey;
    strangerKey = (await generateKeyPair('ES256', { extractable: true })).privateKey;
    const rsa = await generateKeyPair('RS256', { extractable: true });
    rsaKey = rsa.privateKey;
    const jwks = {
      keys: [
        { ...(await exportJWK(partner.publicKey)), kid: 'partner-2026', alg: 'ES256', use: 'sig' },
        { ...(await exportJWK(rsa.publicKey)), kid: 'partner-rsa', alg: 'RS256', use: 'sig' },
      ],
    };
    const policy = `
open_registration_policy: anonymous
software_statements:
  issuers: [${ISSUER}]
  algorithms: [ES256]
  jwks_file: ${writeTempFile('partners.jwks.json', JSON.stringify(jwks))}
  max_age_seconds: 86400
policies:
  anonymous:
    require_software_statement: true
    software_ids: [approved-app]
`;
    app = await createTestApp({ REGISTRATION_POLICY_FILE: writeTempFile('policy.yaml', policy), RATE_LIMIT_ENABLED: 'false' });
  });
  beforeEach(() => app.resetDatabase());
  afterAll(() => app.close());

  const register = (body: Record<string, unknown>) => app.http.post('/register').send({ redirect_uris: ['https://app.example.com/cb'], ...body });

  it('RFC 7591 §2.3: claims take precedence over the body; the statement is returned unmodified, used values at top level', async () => {
    const signed = await statement({ redirect_uris: ['https://signed.example.com/cb'], scope: 'openid' });
    const res = await register({ software_statement: signed, client_name: 'Body Name', software_id: 'forged', scope: 'openid profile email' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      software_statement: signed,
      software_id: 'approved-app',
      client_name: 'Signed Name',
      redirect_uris: ['https://signed.example.com/cb'],
      scope: 'openid',
    });
    expect(res.body).not.toHaveProperty('iss');
    // RFC 9700 §4.11.2: how the client was admitted decides whether a `trusted` policy vouches for it
    const [row] = await app.dataSource.query('SELECT admitted_by FROM clients WHERE client_id = $1', [res.body.client_id]);
    expect(row.admitted_by).toBe('software_statement');
  });

  it('RFC 7591 §2.3: a policy can require a statement → invalid_software_statement naming the rule', async () => {
    const res = await register({ client_name: 'No statement' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_software_statement', error_description: expect.stringMatching(/required.*rule require_software_statement/) });
  });

  it.each([
    ['malformed', async () => 'not-a-jwt', /not a signed JWT/],
    ['an unsigned (alg none) token', async () => `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(`{"iss":"${ISSUER}"}`).toString('base64url')}.`, /alg .none. is not accepted/],
    ['a bad signature (a stranger signing with the partner kid)', async () => statement({}, { key: strangerKey }), /signature does not verify/],
    ['an algorithm outside the allow-list (RS256, though its key is in the set)', async () => statement({}, { key: rsaKey, alg: 'RS256', kid: 'partner-rsa' }), /alg .RS256. is not accepted/],
    ['expired (exp)', async () => statement({}, { iat: Math.floor(Date.now() / 1000) - 7200, exp: Math.floor(Date.now() / 1000) - 3600 }), /expired/],
    ['issued in the future (iat)', async () => statement({}, { iat: Math.floor(Date.now() / 1000) + 3600 }), /iat/],
    ['older than max_age_seconds', async () => statement({}, { iat: Math.floor(Date.now() / 1000) - 2 * 86400 }), /iat/],
    ['claims that are not valid metadata (redirect_uris as a string)', async () => statement({ redirect_uris: 'https://x.example/cb' }), /claim .redirect_uris./],
  ])('RFC 7591 §3.2.2: %s → invalid_software_statement', async (_what, make, description) => {
    const res = await register({ software_statement: await make() });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_software_statement');
    expect(res.body.error_description).toMatch(description);
    expect(await app.dataSource.query('SELECT 1 FROM clients')).toHaveLength(0);
  });

  it('RFC 7591 §3.2.2: an issuer the operator does not trust → unapproved_software_statement', async () => {
    const res = await register({ software_statement: await statement({ iss: 'https://stranger.example' }) });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'unapproved_software_statement', error_description: expect.stringMatching(/issuer .https:\/\/stranger.example. is not trusted/) });
  });

  it('RFC 7591 §3.2.2: a software_id the policy does not approve → unapproved_software_statement', async () => {
    const res = await register({ software_statement: await statement({ software_id: 'unknown-app' }) });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'unapproved_software_statement', error_description: expect.stringMatching(/software_id .unknown-app. is not approved.*rule software_ids/) });
  });

  it('RFC 7592 §2.2 + RFC 7591 §2.3: the signed values keep precedence on update; the rest may change', async () => {
    const signed = await statement({ redirect_uris: ['https://signed.example.com/cb'] });
    const reg = (await register({ software_statement: signed })).body;
    const res = await app.http
      .put(`/register/${reg.client_id}`)
      .auth(reg.registration_access_token, { type: 'bearer' })
      .send({ client_id: reg.client_id, client_secret: reg.client_secret, client_name: 'Renamed', redirect_uris: ['https://evil.example/cb'], contacts: ['ops@signed.example.com'] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      client_name: 'Signed Name',
      redirect_uris: ['https://signed.example.com/cb'],
      software_id: 'approved-app',
      contacts: ['ops@signed.example.com'],
      software_statement: signed,
    });
  });
});
