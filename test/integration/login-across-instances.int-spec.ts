import { runCli } from '../../apps/oauth-server/src/cli/run-cli';
import { aUser, Browser } from '../support/oauth-flow';
import { createTestApp, TestApp } from '../support/test-app';

/** Two servers on one database, as behind a load balancer: sessions and the login throttle are shared. */
describe('LoginModule across instances (sessions and throttle in the database)', () => {
  let first: TestApp;
  let second: TestApp;
  beforeAll(async () => {
    const env = { LOGIN_BCRYPT_COST: '10', LOGIN_THROTTLE_MAX_FAILURES: '4' };
    first = await createTestApp(env);
    // The embedded database is process-wide; on PostgreSQL, point the second app at the first one's database.
    second = await createTestApp(first.config.database.kind === 'postgres' ? { ...env, DATABASE_URL: first.config.database.url } : env);
  });
  beforeEach(() => first.resetDatabase());
  afterAll(async () => {
    await second.close();
    await first.close();
  });

  it('a session started on one instance is honoured by the other', async () => {
    await aUser(first, 'alice');
    const onFirst = new Browser(first);
    expect((await onFirst.login('/login', 'alice')).status).toBe(303);
    const onSecond = new Browser(second);
    onSecond.jar.set('__Host-tessera_session', onFirst.jar.get('tessera_session')!);
    const account = await onSecond.get('/account');
    expect(account.status).toBe(200);
    expect(account.text).toContain('alice');
  });

  it('failed logins on both instances count towards one throttle', async () => {
    await aUser(first, 'alice');
    const a = new Browser(first);
    const b = new Browser(second);
    expect((await a.login('/login', 'alice', 'wrong password one')).status).toBe(401);
    expect((await b.login('/login', 'alice', 'wrong password two')).status).toBe(401);
    expect((await a.login('/login', 'alice', 'wrong password three')).status).toBe(401);
    expect((await b.login('/login', 'alice', 'wrong password four')).status).toBe(401);
    // the right password no longer helps, on either instance
    expect((await a.login('/login', 'alice')).status).toBe(429);
    expect((await b.login('/login', 'alice')).status).toBe(429);
  });
});

describe('npm run cli -- users:create (password from stdin)', () => {
  let app: TestApp;
  beforeAll(async () => (app = await createTestApp({ LOGIN_BCRYPT_COST: '10' })));
  beforeEach(() => app.resetDatabase());
  afterAll(() => app.close());

  const run = async (args: string[], password: string) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(['users:create', ...args], app.config, {
      out: (line) => out.push(line),
      err: (line) => err.push(line),
      readSecret: async () => password,
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('creates the user with a bcrypt hash (cost from config), never the password', async () => {
    const result = await run(['carol', '--email', 'carol@example.com'], 'a long enough password');
    expect(result).toMatchObject({ code: 0, out: 'User carol created' });
    const [row] = await app.dataSource.query('SELECT username, email, password_hash FROM users');
    expect(row).toMatchObject({ username: 'carol', email: 'carol@example.com' });
    expect(row.password_hash).toMatch(/^\$2[aby]\$10\$/);
    expect(row.password_hash).not.toContain('a long enough password');
  });

  it('exits non-zero with a clear message on a duplicate (any case) or a weak password', async () => {
    expect((await run(['carol'], 'a long enough password')).code).toBe(0);
    const duplicate = await run(['CAROL'], 'another long password');
    expect(duplicate.code).toBe(1);
    expect(duplicate.err).toMatch(/already taken/);
    const weak = await run(['dave'], 'short');
    expect(weak.code).toBe(1);
    expect(weak.err).toMatch(/at least 12 characters/);
    const containsName = await run(['erin'], 'erin-erin-erin-2024');
    expect(containsName.err).toMatch(/must not contain the username/);
  });
});
