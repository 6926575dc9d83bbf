import { aUser, Browser, pkcePair } from '../../support/oauth-flow';
import { createTestApp, RegisteredClient, TEST_ISSUER, TestApp } from '../../support/test-app';
import { audienceOf, authorize, codeOf, exchange, token } from './resource-flow';

const CALENDAR = 'https://cal.example.com/';
const CONTACTS = 'https://contacts.example.com/api';

/** Without OAUTH_RESOURCES_FILE: any well-formed resource is accepted (docs/configuration.md). */
describe('RFC 8707 §2 Resource Parameter, RFC 9068 §3 audience', () => {
  let app: TestApp;
  let client: RegisteredClient;
  let browser: Browser;
  beforeAll(async () => (app = await createTestApp({ LOGIN_BCRYPT_COST: '10' })));
  beforeEach(async () => {
    await app.resetDatabase();
    await aUser(app, 'alice');
    client = await app.registerClient({ grant_types: ['authorization_code', 'refresh_token'] });
    browser = new Browser(app);
  });
  afterAll(() => app.close());

  async function tokensFor(resources: string[], atToken: string[] = []) {
    const { response, verifier } = await authorize(app, browser, client, resources);
    const res = await exchange(app, client, codeOf(response), verifier, atToken);
    expect(res.status).toBe(200);
    return res.body as { access_token: string; refresh_token: string; expires_in: number };
  }

  it('RFC 9068 §3: one resource at /authorize → aud is that resource, a single string; RFC 7662 introspection answers the same aud', async () => {
    const tokens = await tokensFor([CALENDAR]);
    expect(audienceOf(tokens.access_token)).toBe(CALENDAR);
    const introspection = await app.http
      .post('/introspect')
      .type('form')
      .auth(client.client_id, client.client_secret!)
      .send({ token: tokens.access_token });
    expect(introspection.body).toMatchObject({ active: true, aud: CALENDAR });
  });

  it('RFC 8707 §2: resource repeated → the token is for every resource (aud an array)', async () => {
    const tokens = await tokensFor([CALENDAR, CONTACTS]);
    expect(audienceOf(tokens.access_token)).toEqual([CALENDAR, CONTACTS]);
  });

  it('RFC 8707 §2.1: resource is read from a POSTed authorization request too (OIDC Core §3.1.2.1)', async () => {
    // First GET: login and consent for CALENDAR; then the same request as a form POST goes straight to the client
    await tokensFor([CALENDAR]);
    const { challenge, verifier } = pkcePair();
    const form = new URLSearchParams([
      ['response_type', 'code'],
      ['client_id', client.client_id],
      ['redirect_uri', client.redirect_uris[0]],
      ['scope', 'openid profile'],
      ['code_challenge', challenge],
      ['code_challenge_method', 'S256'],
      ['resource', CALENDAR],
    ]).toString();
    const response = await app.http.post('/authorize').type('form').set('Cookie', browser.jar.header()).send(form);
    const res = await exchange(app, client, codeOf(response), verifier);
    expect(audienceOf(res.body.access_token)).toBe(CALENDAR);
  });

  it('RFC 9068 §3: without resource the default audience stays the issuer', async () => {
    const tokens = await tokensFor([]);
    expect(audienceOf(tokens.access_token)).toBe(TEST_ISSUER);
  });

  it.each([
    ['a fragment', 'https://cal.example.com/#section'],
    ['a relative reference', '/calendar'],
    ['no scheme', 'cal.example.com'],
    ['a space', 'https://cal.example.com/a b'],
  ])('RFC 8707 §2: a resource with %s → invalid_target at /authorize (the error page: the client is not trusted yet)', async (_, resource) => {
    const { response } = await authorize(app, browser, client, [resource]);
    expect(response.status).toBe(400);
    expect(response.text).toContain('invalid_target');
  });

  it('RFC 8707 §2 / RFC 6749 §4.1.2.1: invalid_target is redirected to the client once the redirect is trusted', async () => {
    await tokensFor([CALENDAR]); // the user has allowed this client: its redirect URI is trusted (RFC 9700 §4.11.2)
    const { response } = await authorize(app, browser, client, ['https://cal.example.com/#frag']);
    expect(response.status).toBe(303);
    const location = new URL(response.headers.location);
    expect(location.searchParams.get('error')).toBe('invalid_target');
    expect(location.searchParams.get('state')).toBe('state-8707');
  });

  it('RFC 8707 §2.2: at /token a resource not granted at /authorize → 400 invalid_target', async () => {
    const { response, verifier } = await authorize(app, browser, client, [CALENDAR]);
    const res = await exchange(app, client, codeOf(response), verifier, [CONTACTS]);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_target');
  });

  it('RFC 8707 §2.2: at /token a resource without any at /authorize → invalid_target', async () => {
    const { response, verifier } = await authorize(app, browser, client, []);
    const res = await exchange(app, client, codeOf(response), verifier, [CALENDAR]);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_target');
  });

  it('RFC 8707 §2.2: the code exchange may ask for a subset; the refresh token stays bound to the full original grant', async () => {
    const tokens = await tokensFor([CALENDAR, CONTACTS], [CONTACTS]);
    expect(audienceOf(tokens.access_token)).toBe(CONTACTS);
    const refreshed = await token(app, client, [['grant_type', 'refresh_token'], ['refresh_token', tokens.refresh_token]]);
    expect(refreshed.status).toBe(200);
    expect(audienceOf(refreshed.body.access_token)).toEqual([CALENDAR, CONTACTS]);
  });

  it('RFC 8707 §2.2: a refresh may narrow the audience to a granted resource, never widen it (invalid_target)', async () => {
    const tokens = await tokensFor([CALENDAR]);
    const widened = await token(app, client, [
      ['grant_type', 'refresh_token'],
      ['refresh_token', tokens.refresh_token],
      ['resource', CALENDAR],
      ['resource', CONTACTS],
    ]);
    expect(widened.status).toBe(400);
    expect(widened.body.error).toBe('invalid_target');
    // The refused request did not use the refresh token up: a narrowed retry works
    const narrowed = await token(app, client, [['grant_type', 'refresh_token'], ['refresh_token', tokens.refresh_token], ['resource', CALENDAR]]);
    expect(narrowed.status).toBe(200);
    expect(audienceOf(narrowed.body.access_token)).toBe(CALENDAR);
  });

  it('RFC 8707 §2.2: a refresh of a grant without resources cannot add one (invalid_target)', async () => {
    const tokens = await tokensFor([]);
    const res = await token(app, client, [['grant_type', 'refresh_token'], ['refresh_token', tokens.refresh_token], ['resource', CALENDAR]]);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_target');
  });

  it('RFC 8707 §2 client_credentials: aud is the requested resource; a malformed one → 400 invalid_target', async () => {
    const service = await app.registerClient({ grant_types: ['client_credentials'], redirect_uris: [], scope: 'email' });
    const ok = await token(app, service, [['grant_type', 'client_credentials'], ['resource', CALENDAR]]);
    expect(ok.status).toBe(200);
    expect(audienceOf(ok.body.access_token)).toBe(CALENDAR);
    const bad = await token(app, service, [['grant_type', 'client_credentials'], ['resource', 'https://cal.example.com/#x']]);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('invalid_target');
  });

  it('RFC 8707 §2: the largest accepted request (5 resources of 255 characters) gives a token that still introspects; more → invalid_target', async () => {
    const service = await app.registerClient({ grant_types: ['client_credentials'], redirect_uris: [], scope: 'email' });
    const longest = (n: number) => `https://resource-${n}.example.com/${'p'.repeat(255 - 'https://resource-0.example.com/'.length)}`;
    const five = [1, 2, 3, 4, 5].map(longest);
    expect(five.every((uri) => uri.length === 255)).toBe(true);
    const ok = await token(app, service, [['grant_type', 'client_credentials'], ...five.map((uri): [string, string] => ['resource', uri])]);
    expect(ok.status).toBe(200);
    expect(audienceOf(ok.body.access_token)).toEqual(five);
    const introspection = await app.http.post('/introspect').type('form').auth(service.client_id, service.client_secret!).send({ token: ok.body.access_token });
    expect(introspection.body).toMatchObject({ active: true, aud: five });
    const six = await token(app, service, [['grant_type', 'client_credentials'], ...[...five, longest(6)].map((uri): [string, string] => ['resource', uri])]);
    expect(six.body.error).toBe('invalid_target');
    const tooLong = await token(app, service, [['grant_type', 'client_credentials'], ['resource', `${longest(1)}p`]]);
    expect(tooLong.body.error).toBe('invalid_target');
  });

  it('RFC 8707 / RFC 9068 §4: a token whose audience is another resource is refused at userinfo', async () => {
    const tokens = await tokensFor([CALENDAR]);
    const userinfo = await app.http.get('/userinfo').auth(tokens.access_token, { type: 'bearer' });
    expect(userinfo.status).toBe(401);
    expect(userinfo.body.error).toBe('invalid_token');
  });
});
