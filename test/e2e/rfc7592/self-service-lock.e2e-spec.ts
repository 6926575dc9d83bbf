import { runCli } from '../../../apps/oauth-server/src/cli/run-cli';
import { createTestApp, TestApp } from '../../support/test-app';

describe('RFC 7592 §2: a client without permission for the operation gets 403 (operator lock)', () => {
  let app: TestApp;
  const lines: string[] = [];
  const io = { out: (line: string) => lines.push(line), err: (line: string) => lines.push(line) };
  const cli = (...argv: string[]) => runCli(argv, app.config, io);

  beforeAll(async () => (app = await createTestApp()));
  beforeEach(async () => {
    lines.length = 0;
    await app.resetDatabase();
  });
  afterAll(() => app.close());

  const body = (reg: { client_id: string; client_secret?: string; redirect_uris: string[] }) => ({
    client_id: reg.client_id,
    client_secret: reg.client_secret,
    redirect_uris: reg.redirect_uris,
  });

  it('RFC 7592 §2: read-only → GET 200, PUT and DELETE 403 insufficient_scope, registration kept', async () => {
    const reg = await app.registerClient();
    expect(await cli('clients:lock', reg.client_id, '--mode', 'read-only')).toBe(0);
    expect(lines).toEqual([`Client ${reg.client_id} locked (read-only)`]);
    const bearer = { type: 'bearer' as const };
    expect((await app.http.get(`/register/${reg.client_id}`).auth(reg.registration_access_token, bearer)).status).toBe(200);
    const update = await app.http.put(`/register/${reg.client_id}`).auth(reg.registration_access_token, bearer).send(body(reg));
    expect(update.status).toBe(403);
    expect(update.body).toEqual({ error: 'insufficient_scope', error_description: expect.stringMatching(/operator/) });
    expect(update.headers['www-authenticate']).toMatch(/error="insufficient_scope"/);
    const del = await app.http.delete(`/register/${reg.client_id}`).auth(reg.registration_access_token, bearer);
    expect(del.status).toBe(403);
    expect(await app.dataSource.query('SELECT 1 FROM clients WHERE client_id = $1', [reg.client_id])).toHaveLength(1);
  });

  it('RFC 7592 §2: none → GET, PUT and DELETE all 403; unlock restores them', async () => {
    const reg = await app.registerClient();
    expect(await cli('clients:lock', reg.client_id)).toBe(0);
    const bearer = { type: 'bearer' as const };
    expect((await app.http.get(`/register/${reg.client_id}`).auth(reg.registration_access_token, bearer)).status).toBe(403);
    expect((await app.http.put(`/register/${reg.client_id}`).auth(reg.registration_access_token, bearer).send(body(reg))).status).toBe(403);
    expect((await app.http.delete(`/register/${reg.client_id}`).auth(reg.registration_access_token, bearer)).status).toBe(403);
    expect(await cli('clients:unlock', reg.client_id)).toBe(0);
    expect((await app.http.get(`/register/${reg.client_id}`).auth(reg.registration_access_token, bearer)).status).toBe(200);
  });

  it('a bad token on a locked client is still 401, so the lock reveals nothing to strangers', async () => {
    const reg = await app.registerClient();
    await cli('clients:lock', reg.client_id);
    const res = await app.http.get(`/register/${reg.client_id}`).auth('wrong', { type: 'bearer' });
    expect(res.status).toBe(401);
  });

  it('the CLI names an unknown client (exit 1) and bad arguments (exit 2)', async () => {
    expect(await cli('clients:lock', 'no-such-client')).toBe(1);
    expect(lines.pop()).toBe('No client with client_id no-such-client');
    expect(await cli('clients:lock', 'x', '--mode', 'sideways')).toBe(2);
    expect(lines.pop()).toMatch(/^Usage: npm run cli -- clients:lock/);
    expect(await cli('clients:frobnicate')).toBe(2);
    expect(lines.pop()).toMatch(/^Unknown command: clients:frobnicate/);
  });
});
