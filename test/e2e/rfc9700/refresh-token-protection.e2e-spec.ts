import type { Response } from 'supertest';
import { aNativeClient } from '../../support/builders';
import { aUser, Browser } from '../../support/oauth-flow';
import { createTestApp, RegisteredClient, TestApp } from '../../support/test-app';
import { aCode, exchangeCode, tokenRequest } from '../../support/token-helpers';

// Bounded repetitions of each race: the racy code leaked in most rounds, so 20 rounds without a
// leak is what the guarantee looks like from outside.
const ROUNDS = 20;
const PARALLEL = 10;

describe('RFC 9700 §4.14.2 refresh token protection: rotation, reuse detection and the family lifetime', () => {
  let app: TestApp;
  let client: RegisteredClient;
  let browser: Browser;
  beforeAll(async () => (app = await createTestApp({ LOGIN_BCRYPT_COST: '10', OAUTH_REFRESH_TOKEN_TTL_SECONDS: '3600' })));
  beforeEach(async () => {
    await app.resetDatabase();
    // A public client (RFC 6749 §2.1): whoever holds its refresh token can use it, so only rotation protects it.
    client = await app.registerClient(aNativeClient({ grant_types: ['authorization_code', 'refresh_token'] }));
    await aUser(app, 'alice');
    browser = new Browser(app);
  });
  afterAll(() => app.close());

  const refresh = (refreshToken: string, extra: Record<string, string> = {}): Promise<Response> =>
    tokenRequest(app, client, { grant_type: 'refresh_token', refresh_token: refreshToken, ...extra });

  /** Tokens of `responses` that still work: access tokens at /userinfo, then refresh tokens at /token. */
  async function usable(responses: Response[]): Promise<string[]> {
    const issued = responses.filter((response) => response.status === 200).map((response) => response.body as Record<string, string>);
    const live: string[] = [];
    for (const { access_token: accessToken } of issued) {
      const userinfo = await app.http.get('/userinfo').set('Authorization', `Bearer ${accessToken}`);
      if (userinfo.status !== 401) live.push(`access token (/userinfo ${userinfo.status})`);
    }
    for (const { refresh_token: refreshToken } of issued) {
      if (refreshToken !== undefined && (await refresh(refreshToken)).status === 200) live.push('refresh token');
    }
    return live;
  }

  it(`RFC 9700 §4.14.2: ${PARALLEL} parallel refreshes of one token, then the old token again, leave no usable token (${ROUNDS} rounds)`, async () => {
    const leaks: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const first = await exchangeCode(app, client, await aCode(app, browser, client, 'alice'));
      expect(first.status).toBe(200);
      const raced = await Promise.all(Array.from({ length: PARALLEL }, () => refresh(first.body.refresh_token)));
      // Every response is 200 or invalid_grant; at most one request can win a single-use token.
      for (const response of raced) expect([200, 400]).toContain(response.status);
      expect(raced.filter((response) => response.status === 200).length).toBeLessThanOrEqual(1);
      // The legitimate app presents the (now used) token afterwards: reuse again, nothing may survive.
      expect((await refresh(first.body.refresh_token)).body.error).toBe('invalid_grant');
      const live = await usable([first, ...raced]);
      if (live.length > 0) leaks.push(`round ${round}: ${live.join(', ')}`);
    }
    expect(leaks).toEqual([]);
  });

  it(`RFC 9700 §4.14.2: a reuse racing a legitimate refresh revokes the token that refresh issues (${ROUNDS} rounds)`, async () => {
    const leaks: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const first = await exchangeCode(app, client, await aCode(app, browser, client, 'alice'));
      const second = await refresh(first.body.refresh_token);
      expect(second.status).toBe(200);
      // The attacker replays the rotated-out token while the app rotates the current one.
      const [legitimate, ...replays] = await Promise.all([refresh(second.body.refresh_token), ...Array.from({ length: 3 }, () => refresh(first.body.refresh_token))]);
      for (const replay of replays) expect(replay.body.error).toBe('invalid_grant');
      const live = await usable([first, second, legitimate]);
      if (live.length > 0) leaks.push(`round ${round}: ${live.join(', ')}`);
    }
    expect(leaks).toEqual([]);
  });

  it('RFC 9700 §4.14.2: a revoked refresh token presented again is reuse and revokes its family', async () => {
    const first = await exchangeCode(app, client, await aCode(app, browser, client, 'alice'));
    const second = await refresh(first.body.refresh_token);
    // The rotated-out token is revoked on its own; the newest token of its family is still live.
    await app.dataSource.query(`UPDATE refresh_tokens SET revoked_at = now() WHERE used_at IS NOT NULL`);
    expect((await refresh(first.body.refresh_token)).body.error).toBe('invalid_grant');
    expect(await usable([second])).toEqual([]);
  });

  it(`RFC 6749 §4.1.2: ${PARALLEL} parallel exchanges of one code leave every token issued from it revoked (${ROUNDS} rounds)`, async () => {
    const leaks: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const code = await aCode(app, browser, client, 'alice');
      const raced = await Promise.all(Array.from({ length: PARALLEL }, () => exchangeCode(app, client, code)));
      for (const response of raced) expect([200, 400]).toContain(response.status);
      expect(raced.filter((response) => response.status === 200).length).toBeLessThanOrEqual(1);
      const live = await usable(raced);
      if (live.length > 0) leaks.push(`round ${round}: ${live.join(', ')}`);
    }
    expect(leaks).toEqual([]);
  });

  it('RFC 6749 §6: a refresh with a wider scope is invalid_scope and does not use up the token; the corrected retry works', async () => {
    const first = await exchangeCode(app, client, await aCode(app, browser, client, 'alice', { scope: 'openid' }));
    const typo = await refresh(first.body.refresh_token, { scope: 'openid emial' });
    expect(typo.status).toBe(400);
    expect(typo.body.error).toBe('invalid_scope');
    // Not seen as reuse: the retry rotates normally and its tokens work.
    const retry = await refresh(first.body.refresh_token, { scope: 'openid' });
    expect(retry.status).toBe(200);
    expect((await app.http.get('/userinfo').set('Authorization', `Bearer ${retry.body.access_token}`)).status).toBe(200);
    expect((await refresh(retry.body.refresh_token)).status).toBe(200);
  });

  it('RFC 9700 §4.14.2: the family expires OAUTH_REFRESH_TOKEN_TTL_SECONDS after the code exchange; rotation does not extend it', async () => {
    const first = await exchangeCode(app, client, await aCode(app, browser, client, 'alice'));
    const expiry = async (): Promise<number[]> =>
      ((await app.dataSource.query(`SELECT expires_at FROM refresh_tokens ORDER BY created_at`)) as { expires_at: string | Date }[]).map((row) =>
        new Date(row.expires_at).getTime(),
      );
    const [issued] = await expiry();
    let current = first.body.refresh_token as string;
    for (let rotation = 0; rotation < 3; rotation++) {
      const next = await refresh(current);
      expect(next.status).toBe(200);
      current = next.body.refresh_token;
    }
    // Every rotated token keeps the expiry the code exchange set.
    expect(await expiry()).toEqual([issued, issued, issued, issued]);
    // As if the family was issued a TTL ago: its newest token has expired with it.
    await app.dataSource.query(`UPDATE refresh_tokens SET created_at = created_at - interval '3600 seconds', expires_at = expires_at - interval '3600 seconds'`);
    const expired = await refresh(current);
    expect(expired.status).toBe(400);
    expect(expired.body.error).toBe('invalid_grant');
    // Refused, not used up: it is still the unused newest token of its family, not a detected reuse.
    const [{ used }] = await app.dataSource.query(`SELECT count(*)::int AS used FROM refresh_tokens WHERE used_at IS NULL AND revoked_at IS NULL`);
    expect(used).toBe(1);
  });
});
