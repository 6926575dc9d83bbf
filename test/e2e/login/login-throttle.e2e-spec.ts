import { aUser, Browser, hiddenField, PASSWORD } from '../../support/oauth-flow';
import { createTestApp, TestApp } from '../../support/test-app';

const MAX = 3;
const ROUNDS = 5;
const PARALLEL = 20;

/** The form fields of one login page, to post many times in parallel (one browser, one CSRF token). */
async function loginForm(browser: Browser): Promise<Record<string, string>> {
  const page = await browser.get('/login');
  return { csrf_token: hiddenField(page.text, 'csrf_token'), return_to: hiddenField(page.text, 'return_to') };
}

describe('Login throttle (docs/security.md): the attempt is taken atomically before the password check', () => {
  let app: TestApp;
  beforeAll(async () => (app = await createTestApp({ LOGIN_BCRYPT_COST: '10', LOGIN_THROTTLE_MAX_FAILURES: String(MAX) })));
  beforeEach(() => app.resetDatabase());
  afterAll(() => app.close());

  it(`race: ${PARALLEL} parallel wrong passwords then the right one, ${ROUNDS} rounds — at most ${MAX} passwords are evaluated and the right one never logs in`, async () => {
    await aUser(app, 'alice');
    const leaks: string[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      await app.dataSource.query('TRUNCATE login_throttle');
      const browser = new Browser(app);
      const form = await loginForm(browser);
      const wrong = Array.from({ length: PARALLEL }, (_, i) => browser.post('/login', { ...form, username: 'alice', password: `wrong password ${i}` }));
      // The right password arrives while the wrong ones are still being checked (after the first answer).
      await Promise.race(wrong);
      const right = await browser.post('/login', { ...form, username: 'alice', password: PASSWORD });
      const statuses = (await Promise.all(wrong)).map((res) => res.status);
      const evaluated = statuses.filter((status) => status === 401).length;
      if (right.status === 303 || evaluated > MAX) leaks.push(`round ${round}: ${evaluated} wrong passwords evaluated, the right one answered ${right.status}`);
    }
    expect(leaks).toEqual([]);
  });
});

describe('Login throttle keys (docs/security.md): username + client address, IPv6 by /64, and the username alone', () => {
  let app: TestApp;
  beforeAll(
    async () =>
      (app = await createTestApp({
        LOGIN_BCRYPT_COST: '10',
        LOGIN_THROTTLE_MAX_FAILURES: String(MAX),
        LOGIN_THROTTLE_MAX_FAILURES_PER_USERNAME: '5',
        // The client address comes from X-Forwarded-For, as behind a reverse proxy.
        HTTP_TRUST_PROXY: 'true',
      })),
  );
  beforeEach(async () => {
    await app.resetDatabase();
    await aUser(app, 'alice');
  });
  afterAll(() => app.close());

  const loginFrom = async (address: string, password: string) => {
    const browser = new Browser(app);
    const form = await loginForm(browser);
    const res = await app.http
      .post('/login')
      .type('form')
      .set('Cookie', browser.jar.header())
      .set('X-Forwarded-For', address)
      .send({ ...form, username: 'alice', password });
    return res.status;
  };

  it('failures from one address lock that address only: the right password from another address still logs in', async () => {
    for (let i = 0; i < MAX; i += 1) expect(await loginFrom('198.51.100.1', `wrong password ${i}`)).toBe(401);
    expect(await loginFrom('198.51.100.1', PASSWORD)).toBe(429);
    expect(await loginFrom('198.51.100.2', PASSWORD)).toBe(303);
  });

  it('IPv6: every address of one /64 counts as one source; another /64 is another source', async () => {
    for (let i = 0; i < MAX; i += 1) expect(await loginFrom(`2001:db8:0:1::${i + 1}`, `wrong password ${i}`)).toBe(401);
    expect(await loginFrom('2001:db8:0:1:ffff::9', PASSWORD)).toBe(429);
    expect(await loginFrom('2001:db8:0:2::1', PASSWORD)).toBe(303);
  });

  it('one account guessed at from many addresses is locked once the per-username limit is reached', async () => {
    for (let i = 0; i < 5; i += 1) expect(await loginFrom(`203.0.113.${i + 1}`, `wrong password ${i}`)).toBe(401);
    expect(await loginFrom('203.0.113.200', PASSWORD)).toBe(429);
  });

  it('a successful login does not count against the username: it gives its own attempt back', async () => {
    for (let i = 0; i < 4; i += 1) expect(await loginFrom(`203.0.113.${i + 1}`, `wrong password ${i}`)).toBe(401);
    for (let i = 0; i < 3; i += 1) expect(await loginFrom('203.0.113.100', PASSWORD)).toBe(303);
    expect(await loginFrom('203.0.113.5', 'wrong password 5')).toBe(401);
    expect(await loginFrom('203.0.113.100', PASSWORD)).toBe(429);
  });
});

describe('Password checks per instance are bounded (docs/security.md): beyond the cap a login gets 503 + Retry-After at once', () => {
  let app: TestApp;
  beforeAll(async () => (app = await createTestApp({ LOGIN_BCRYPT_COST: '12', WORKER_POOL_CPU_SIZE: '1', LOGIN_PASSWORD_CHECK_MAX_PENDING: '1' })));
  beforeEach(() => app.resetDatabase());
  afterAll(() => app.close());

  it('RFC 9110 §15.6.4: parallel logins past the cap are refused with a readable 503 page and Retry-After, and not counted as failures', async () => {
    const browser = new Browser(app);
    const form = await loginForm(browser);
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, i) => browser.post('/login', { ...form, username: `user${i}`, password: 'not the password' })),
    );
    const statuses = responses.map((res) => res.status);
    expect(statuses.every((status) => status === 401 || status === 503)).toBe(true);
    const refused = responses.filter((res) => res.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    for (const res of refused) {
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toContain('The server is busy checking other sign-ins.');
    }
    // A refused attempt was never evaluated: it is given back to both throttle keys.
    const counted = await app.dataSource.query('SELECT coalesce(sum(failures), 0)::int AS n FROM login_throttle');
    expect(counted[0].n).toBe(2 * statuses.filter((status) => status === 401).length);
  });
});
