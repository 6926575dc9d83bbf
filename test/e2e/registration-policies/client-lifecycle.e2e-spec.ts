import { WorkerPoolService } from '@app/worker-pool';
import { runCli } from '../../../apps/oauth-server/src/cli/run-cli';
import { SweeperService } from '../../../apps/oauth-server/src/maintenance/sweeper.service';
import { createTestApp, RegisteredClient, TestApp } from '../../support/test-app';
import { tokenRequest } from '../../support/token-helpers';
import { waitFor } from '../../support/wait-for';

const aService = { grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: 'email' };

describe('docs/registration-policies.md: client lifecycle — secret rotation, never-used clients, the audit trail', () => {
  let app: TestApp;
  const out: string[] = [];
  const err: string[] = [];
  const cli = (...argv: string[]) => runCli(argv, app.config, { out: (l) => out.push(l), err: (l) => err.push(l) });
  const bearer = { type: 'bearer' as const };

  beforeAll(
    async () =>
      (app = await createTestApp({ REGISTRATION_UNUSED_CLIENT_TTL_SECONDS: '3600', RATE_LIMIT_ENABLED: 'false', SWEEPER_INTERVAL_SECONDS: '0' })),
  );
  beforeEach(async () => {
    out.length = 0;
    err.length = 0;
    await app.resetDatabase();
  });
  afterAll(() => app.close());

  /** Background audit writes of the server's own pool, finished (CLI contexts drain theirs on close). */
  async function auditWritten(): Promise<void> {
    const pool = app.app.get(WorkerPoolService);
    await waitFor(() => pool.stats().queued === 0 && pool.stats().running === 0);
  }

  it('clients:rotate-secret: new secret printed once; old one works during the grace period, then not; RAT untouched', async () => {
    const reg = await app.registerClient(aService);
    expect(await cli('clients:rotate-secret', reg.client_id, '--json')).toBe(0);
    const rotated = JSON.parse(out.pop()!);
    expect(rotated).toMatchObject({ client_id: reg.client_id, client_secret: expect.any(String), client_secret_expires_at: 0 });
    expect(rotated.client_secret).not.toBe(reg.client_secret);
    const withNew: RegisteredClient = { ...reg, client_secret: rotated.client_secret };
    expect((await tokenRequest(app, withNew, { grant_type: 'client_credentials' })).status).toBe(200);
    // RFC 6749 §2.3.1 at the token endpoint: the previous secret still authenticates during the grace period
    expect((await tokenRequest(app, reg, { grant_type: 'client_credentials' })).status).toBe(200);
    await app.dataSource.query(`UPDATE clients SET previous_secret_expires_at = now() - interval '1 second'`);
    const old = await tokenRequest(app, reg, { grant_type: 'client_credentials' });
    expect(old.status).toBe(401);
    expect(old.body.error).toBe('invalid_client');
    expect((await tokenRequest(app, withNew, { grant_type: 'client_credentials' })).status).toBe(200);
    // Administrative changes never invalidate the registration access token (RFC 7592 §2.1 read still works)
    expect((await app.http.get(`/register/${reg.client_id}`).auth(reg.registration_access_token, bearer)).status).toBe(200);
    const stored = await app.dataSource.query('SELECT secret_hash, previous_secret_hash FROM clients');
    expect(JSON.stringify(stored)).not.toContain(rotated.client_secret);
  });

  it('administrative changes (lock, unlock, rotate, show) leave the registration access token working', async () => {
    const reg = await app.registerClient();
    for (const argv of [['clients:lock', reg.client_id], ['clients:unlock', reg.client_id], ['clients:rotate-secret', reg.client_id], ['clients:show', reg.client_id]]) {
      expect(await cli(...argv)).toBe(0);
    }
    const read = await app.http.get(`/register/${reg.client_id}`).auth(reg.registration_access_token, bearer);
    expect(read.status).toBe(200);
  });

  it('clients:rotate-secret --grace-seconds 0 ends the old secret at once; a public client has no secret to rotate', async () => {
    const reg = await app.registerClient(aService);
    expect(await cli('clients:rotate-secret', reg.client_id, '--grace-seconds', '0')).toBe(0);
    expect(out[0]).toMatch(/^New client secret for .* \(shown once\): \S+$/);
    expect((await tokenRequest(app, reg, { grant_type: 'client_credentials' })).status).toBe(401);
    const pub = await app.registerClient({ token_endpoint_auth_method: 'none' });
    expect(await cli('clients:rotate-secret', pub.client_id)).toBe(1);
    expect(err.pop()).toMatch(/public client/);
  });

  it('RFC 7591 §3.2.1: client_secret_expires_at is enforced at the token endpoint', async () => {
    const reg = await app.registerClient(aService);
    await app.dataSource.query(`UPDATE clients SET secret_expires_at = now() - interval '1 second'`);
    expect((await tokenRequest(app, reg, { grant_type: 'client_credentials' })).status).toBe(401);
  });

  it('the sweeper removes registrations never used within REGISTRATION_UNUSED_CLIENT_TTL_SECONDS, and only those', async () => {
    const used = await app.registerClient(aService);
    const abandoned = await app.registerClient();
    expect((await tokenRequest(app, used, { grant_type: 'client_credentials' })).status).toBe(200);
    await app.dataSource.query(`UPDATE clients SET issued_at = now() - interval '2 hours'`);
    const fresh = await app.registerClient();
    const result = await app.app.get(SweeperService).sweepOnce();
    expect(result).toMatchObject({ ran: true, deleted: expect.objectContaining({ unused_clients: 1 }) });
    const left = (await app.dataSource.query('SELECT client_id FROM clients')).map((row: { client_id: string }) => row.client_id).sort();
    expect(left).toEqual([used.client_id, fresh.client_id].sort());
    // Its registration access token went with it (ON DELETE CASCADE): RFC 7592 answers 401.
    expect((await app.http.get(`/register/${abandoned.client_id}`).auth(abandoned.registration_access_token, bearer)).status).toBe(401);
  });

  it('audit: registration, lock, secret rotation, IAT mint and operator deletion — who, when, from where, never secrets', async () => {
    const reg = await app.registerClient();
    await cli('clients:lock', reg.client_id, '--mode', 'read-only');
    await cli('clients:rotate-secret', reg.client_id, '--json');
    const secret = JSON.parse(out.pop()!).client_secret;
    await cli('iat:mint', '--label', 'partner', '--json');
    const iat = JSON.parse(out.pop()!);
    await cli('clients:delete', reg.client_id);
    await auditWritten();
    out.length = 0;
    expect(await cli('audit', '--json')).toBe(0);
    const events = JSON.parse(out.pop()!);
    const kinds = events.map((e: { event: string }) => e.event);
    expect(kinds).toEqual(
      expect.arrayContaining(['client.registered', 'client.self_service_changed', 'client.secret_rotated', 'initial_access_token.minted', 'client.deleted']),
    );
    const registered = events.find((e: { event: string }) => e.event === 'client.registered');
    expect(registered).toMatchObject({ client_id: reg.client_id, actor: 'anonymous', source_address: expect.any(String), details: expect.objectContaining({ policy: 'default' }) });
    expect(events.find((e: { event: string }) => e.event === 'client.secret_rotated')).toMatchObject({ actor: 'operator', client_id: reg.client_id });
    const text = JSON.stringify(events);
    for (const value of [secret, iat.initial_access_token, reg.client_secret!, reg.registration_access_token]) expect(text).not.toContain(value);

    expect(await cli('audit', '--client', reg.client_id)).toBe(0);
    expect(out.some((line) => /client\.deleted +client=\S+ +by=operator/.test(line))).toBe(true);
    expect(await cli('audit', '--limit', 'many')).toBe(2);
  });

  it('clients:list / clients:show / clients:delete, human and --json; unknown client → exit 1', async () => {
    const reg = await app.registerClient({ client_name: 'Listed App' });
    expect(await cli('clients:list', '--json')).toBe(0);
    expect(JSON.parse(out.pop()!)).toEqual([expect.objectContaining({ client_id: reg.client_id, client_name: 'Listed App', registration_policy: 'default', last_used_at: null })]);
    expect(await cli('clients:list')).toBe(0);
    expect(out.pop()).toMatch(new RegExp(`^${reg.client_id}  Listed App  policy=default`));
    expect(await cli('clients:show', reg.client_id, '--json')).toBe(0);
    const shown = JSON.parse(out.pop()!);
    expect(shown).toMatchObject({ client_id: reg.client_id, confidential: true, metadata: expect.objectContaining({ client_name: 'Listed App' }) });
    expect(JSON.stringify(shown)).not.toContain(reg.client_secret!);
    expect(await cli('clients:delete', reg.client_id)).toBe(0);
    expect(await cli('clients:show', reg.client_id)).toBe(1);
    expect(err.pop()).toBe(`No client with client_id ${reg.client_id}`);
    expect(await cli('clients:delete', reg.client_id)).toBe(1);
    expect(await cli('clients:list', '--limit', '0')).toBe(2);
    expect(await cli('clients:show')).toBe(2);
    expect(err.pop()).toMatch(/^Usage: npm run cli -- clients:show <client_id>/);
  });
});
