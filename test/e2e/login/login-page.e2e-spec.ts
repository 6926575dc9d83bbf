import { aUser, Browser, hiddenField, PASSWORD } from '../../support/oauth-flow';
import { createTestApp, TestApp } from '../../support/test-app';

/** The fields of the login form as the page rendered them for this browser. */
async function loginForm(browser: Browser, path = '/login'): Promise<Record<string, string>> {
  const page = await browser.get(path);
  return { csrf_token: hiddenField(page.text, 'csrf_token'), return_to: hiddenField(page.text, 'return_to') };
}

describe('Login page CSRF tokens bound to the session (OWASP CSRF Prevention Cheat Sheet, signed double-submit), on an http issuer', () => {
  let app: TestApp;
  // Plain http: cookies carry no __Host- prefix, so a network attacker can plant them.
  beforeAll(async () => (app = await createTestApp({ ISSUER: 'http://tessera.test', LOGIN_BCRYPT_COST: '10' })));
  beforeEach(async () => {
    await app.resetDatabase();
    await aUser(app, 'alice');
  });
  afterAll(() => app.close());

  it('a wrong CSRF value (not only a missing one) is refused', async () => {
    const browser = new Browser(app);
    const form = await loginForm(browser);
    const wrong = `${form.csrf_token.slice(0, -1)}${form.csrf_token.endsWith('A') ? 'B' : 'A'}`;
    const res = await browser.post('/login', { ...form, csrf_token: wrong, username: 'alice', password: PASSWORD });
    expect(res.status).toBe(403);
    expect(browser.jar.get('tessera_session')).toBeUndefined();
    // the same browser with its own token gets in
    expect((await browser.post('/login', { ...form, username: 'alice', password: PASSWORD })).status).toBe(303);
  });

  it('the token is not the cookie: posting the pre-session cookie value as the token is refused', async () => {
    const browser = new Browser(app);
    const form = await loginForm(browser);
    const cookie = browser.jar.get('tessera_csrf')!;
    expect(cookie).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(form.csrf_token).not.toBe(cookie);
    expect((await browser.post('/login', { ...form, csrf_token: cookie, username: 'alice', password: PASSWORD })).status).toBe(403);
  });

  it('a cookie + field pair planted from another browser is refused on a signed-in session (logout)', async () => {
    const victim = new Browser(app);
    expect((await victim.login('/login', 'alice')).status).toBe(303);
    // The attacker's own, perfectly valid pair …
    const attacker = new Browser(app);
    const planted = await loginForm(attacker);
    // … planted into the victim's browser next to the victim's session cookie.
    victim.jar.set('tessera_csrf', attacker.jar.get('tessera_csrf')!);
    const forged = await victim.post('/logout', { csrf_token: planted.csrf_token });
    expect(forged.status).toBe(403);
    expect((await victim.get('/account')).status).toBe(200);
  });

  it('a token from another session is refused, the session\'s own token is accepted', async () => {
    const alice = new Browser(app);
    await alice.login('/login', 'alice');
    await aUser(app, 'bob');
    const bob = new Browser(app);
    await bob.login('/login', 'bob');
    const bobsToken = hiddenField((await bob.get('/account')).text, 'csrf_token');
    expect((await alice.post('/logout', { csrf_token: bobsToken })).status).toBe(403);
    const alicesToken = hiddenField((await alice.get('/account')).text, 'csrf_token');
    expect((await alice.post('/logout', { csrf_token: alicesToken })).status).toBe(200);
  });
});

describe('Login page return_to (docs/security.md, "Login page"): own paths only, printable ASCII only', () => {
  let app: TestApp;
  beforeAll(async () => (app = await createTestApp({ LOGIN_BCRYPT_COST: '10' })));
  beforeEach(async () => {
    await app.resetDatabase();
    await aUser(app, 'alice');
  });
  afterAll(() => app.close());

  const postLogin = async (returnTo: string) => {
    const browser = new Browser(app);
    const form = await loginForm(browser);
    return browser.post('/login', { ...form, return_to: returnTo, username: 'alice', password: PASSWORD });
  };

  it('POST /login: a return_to on another site (forged into the form) sends the browser to /account instead', async () => {
    for (const target of ['https://evil.example/phish', '//evil.example/phish', '/\\evil.example', '/authorize@evil.example']) {
      const res = await postLogin(target);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/account');
    }
  });

  it('POST /login: U+2028, NUL, other control and non-ASCII characters in return_to never reach the Location header (no 500)', async () => {
    for (const target of ['/authorize?x=\u2028', '/authorize?x=\u0000', '/authorize?x=\r\nSet-Cookie:a=b', '/authorize?x=é', '/authorize?x= y']) {
      const res = await postLogin(target);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/account');
    }
  });

  it('POST /login: our own /authorize path is kept', async () => {
    const res = await postLogin('/authorize?client_id=abc&state=x%E2%80%A8');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/authorize?client_id=abc&state=x%E2%80%A8');
  });

  it('GET /login: a return_to with U+2028 or NUL renders the page with /account in the form', async () => {
    for (const raw of ['%2Fauthorize%3Fx%3D%E2%80%A8', '%2Fauthorize%3Fx%3D%00', '%2Faccount%0D%0A']) {
      const page = await new Browser(app).get(`/login?return_to=${raw}`);
      expect(page.status).toBe(200);
      expect(hiddenField(page.text, 'return_to')).toBe('/account');
    }
  });
});

describe('Session lifetime (docs/authorization-code-flow.md): SESSION_ABSOLUTE_TTL_SECONDS ends a session however active it is', () => {
  let app: TestApp;
  beforeAll(async () => (app = await createTestApp({ LOGIN_BCRYPT_COST: '10', SESSION_ABSOLUTE_TTL_SECONDS: '3600', SESSION_IDLE_TTL_SECONDS: '1800' })));
  beforeEach(async () => {
    await app.resetDatabase();
    await aUser(app, 'alice');
  });
  afterAll(() => app.close());

  it('the cookie and the row end at login + the absolute lifetime', async () => {
    const browser = new Browser(app);
    const login = await browser.login('/login', 'alice');
    const setCookie = (login.headers['set-cookie'] as unknown as string[]).find((line) => /tessera_session=/.test(line))!;
    expect(setCookie).toMatch(/Max-Age=3600/);
    const [row] = await app.dataSource.query(`SELECT extract(epoch FROM expires_at - created_at)::int AS seconds FROM sessions`);
    expect(row.seconds).toBe(3600);
  });

  it('a session used a moment ago (never idle) is over once its absolute end has passed', async () => {
    const browser = new Browser(app);
    await browser.login('/login', 'alice');
    expect((await browser.get('/account')).status).toBe(200);
    await app.dataSource.query(`UPDATE sessions SET created_at = now() - interval '2 hours', auth_time = now() - interval '2 hours', expires_at = now() - interval '1 second', last_seen_at = now()`);
    const res = await browser.get('/account');
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/login/);
  });
});
