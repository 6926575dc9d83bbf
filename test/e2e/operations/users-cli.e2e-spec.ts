import { runCli } from '../../../apps/oauth-server/src/cli/run-cli';
import { aUser, authorizePath, authorizeThroughPages, basicAuth, Browser, pkcePair, PASSWORD } from '../../support/oauth-flow';
import { createTestApp, TestApp } from '../../support/test-app';

/** Operator user management (docs/operations.md, "Users"): the commands and what they do to sign-in and tokens. */
describe('users:* operator commands', () => {
  let app: TestApp;
  const out: string[] = [];
  const err: string[] = [];
  const cli = (argv: string[], secret?: string) =>
    runCli(argv, app.config, { out: (l) => out.push(l), err: (l) => err.push(l), readSecret: async () => secret ?? '' });

  beforeAll(async () => (app = await createTestApp({ LOGIN_BCRYPT_COST: '10', RATE_LIMIT_ENABLED: 'false' })));
  beforeEach(async () => {
    await app.resetDatabase();
    out.length = 0;
    err.length = 0;
  });
  afterAll(() => app.close());

  /** A signed-in browser and a token response with a refresh token for `username`. */
  async function signedInWithTokens(username: string) {
    const client = await app.registerClient({ grant_types: ['authorization_code', 'refresh_token'] });
    const browser = new Browser(app);
    const { verifier, challenge } = pkcePair();
    const callback = await authorizeThroughPages(browser, { client, challenge }, username);
    const token = await app.http
      .post('/token')
      .set('Authorization', basicAuth(client))
      .type('form')
      .send({ grant_type: 'authorization_code', code: callback.searchParams.get('code')!, redirect_uri: client.redirect_uris[0], code_verifier: verifier });
    expect(token.status).toBe(200);
    const refresh = (refreshToken: string) =>
      app.http.post('/token').set('Authorization', basicAuth(client)).type('form').send({ grant_type: 'refresh_token', refresh_token: refreshToken });
    return { client, browser, refreshToken: token.body.refresh_token as string, refresh };
  }

  it('users:create, users:list and users:show (by name or id; never the password hash), --json for machines', async () => {
    expect(await cli(['users:create', 'alice', '--email', 'alice@example.com'], PASSWORD)).toBe(0);
    expect(out.pop()).toBe('User alice created');
    expect(await cli(['users:list', '--json'])).toBe(0);
    const [listed] = JSON.parse(out.pop()!);
    expect(listed).toMatchObject({ username: 'alice', email: 'alice@example.com', disabled_at: null });
    expect(await cli(['users:show', listed.id])).toBe(0);
    expect(out).toContain('username: alice');
    expect(out.join('\n')).not.toMatch(/\$2[aby]\$/);
    expect(await cli(['users:show', 'nobody'])).toBe(1);
    expect(err.pop()).toBe('No user with username or id nobody');
  });

  it('users:disable: the user is signed out, cannot sign in, and the refresh token is refused with invalid_grant (RFC 6749 §5.2); users:enable undoes it', async () => {
    await aUser(app, 'alice');
    const { browser, refreshToken, refresh } = await signedInWithTokens('alice');
    expect(await cli(['users:disable', 'alice'])).toBe(0);
    expect(out.pop()).toBe('User alice disabled');

    // RFC 6749 §6 + §5.2: the grant no longer holds
    const refused = await refresh(refreshToken);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('invalid_grant');

    // The session ended: /account asks to sign in again; the password no longer works
    const account = await browser.get('/account');
    expect(account.status).not.toBe(200);
    const login = await browser.login('/login', 'alice');
    expect(login.status).not.toBe(303);

    expect(await cli(['users:enable', 'alice'])).toBe(0);
    expect((await browser.login('/login', 'alice')).status).toBe(303);
  });

  it('users:set-password reads stdin, checks the policy, ends the sessions; the old password stops working', async () => {
    await aUser(app, 'alice');
    const browser = new Browser(app);
    expect((await browser.login('/login', 'alice')).status).toBe(303);
    expect(await cli(['users:set-password', 'alice'], 'short')).toBe(1);
    expect(err.pop()).toMatch(/at least 12 characters/);
    expect(await cli(['users:set-password', 'alice'], 'a brand new passphrase')).toBe(0);
    expect((await browser.get('/account')).status).not.toBe(200);
    expect((await new Browser(app).login('/login', 'alice', PASSWORD)).status).not.toBe(303);
    expect((await new Browser(app).login('/login', 'alice', 'a brand new passphrase')).status).toBe(303);
  });

  it('users:sessions:revoke signs the user out everywhere; users:delete removes the user and their tokens', async () => {
    await aUser(app, 'alice');
    const { client, browser, refreshToken, refresh } = await signedInWithTokens('alice');
    expect(await cli(['users:sessions:revoke', 'alice', '--json'])).toBe(0);
    expect(JSON.parse(out.pop()!)).toMatchObject({ username: 'alice', sessions_ended: 1 });
    expect((await browser.get(authorizePath({ client, challenge: pkcePair().challenge }))).headers.location).toMatch(/^\/login/);

    expect(await cli(['users:delete', 'alice'])).toBe(0);
    expect((await refresh(refreshToken)).body.error).toBe('invalid_grant');
    expect(await app.dataSource.query('SELECT id FROM users')).toEqual([]);
    expect(await cli(['users:delete', 'alice'])).toBe(1);
  });

  it('checks arguments before opening the database: one line saying what is wrong, then the usage (exit 2)', async () => {
    // A configuration whose database cannot be reached: an argument error must come first.
    const unreachable = { ...app.config, database: { kind: 'postgres' as const, url: 'postgres://nobody@127.0.0.1:1/none', poolSize: 1, migrationsRun: false, preparedStatements: false } };
    const run = (argv: string[]) => runCli(argv, unreachable, { out: (l) => out.push(l), err: (l) => err.push(l), readSecret: async () => '' });
    expect(await run(['clients:lock', 'x', '--mode', 'readonly'])).toBe(2);
    expect(err).toEqual(['clients:lock: --mode must be one of read-only, none, not "readonly" (did you mean read-only?)', expect.stringMatching(/^Usage: npm run cli -- clients:lock/)]);
    err.length = 0;
    expect(await run(['users:list', '--limit', 'abc'])).toBe(2);
    expect(err[0]).toBe('users:list: --limit must be a whole number from 1 to 10000, not "abc"');
    err.length = 0;
    expect(await run(['audit', '--since', 'yesterday'])).toBe(2);
    expect(err[0]).toMatch(/^audit: --since must be an ISO 8601 date/);
    err.length = 0;
    expect(await run(['users:lst'])).toBe(2);
    expect(err).toEqual(['Unknown command: users:lst. Did you mean users:list? "npm run cli -- help" lists every command.']);
    err.length = 0;
    expect(await run(['users:create', 'bob'])).toBe(2);
    expect(err[0]).toMatch(/^users:create: no password on stdin/);
    err.length = 0;
    // Good arguments reach the database, and its failure is one line naming the variable and host.
    expect(await run(['users:list'])).toBe(1);
    expect(err).toEqual([expect.stringMatching(/^Cannot connect to the database in DATABASE_URL \(nobody@127\.0\.0\.1:1\/none\): connection refused/)]);
  });
});
