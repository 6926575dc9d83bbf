import { decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import { randomBytes } from 'node:crypto';
import { SigningKeysRepository } from '../../apps/oauth-server/src/authorization/keys/signing-keys.repository';
import { SigningKeysService } from '../../apps/oauth-server/src/authorization/keys/signing-keys.service';
import { TokenIssuerService } from '../../apps/oauth-server/src/authorization/token-issuer.service';
import { runCli } from '../../apps/oauth-server/src/cli/run-cli';
import { basicAuth } from '../support/oauth-flow';
import { createTestApp, RegisteredClient, TEST_ISSUER, TestApp } from '../support/test-app';

const SERVICE = { grant_types: ['client_credentials'], redirect_uris: [], scope: 'email' };

/** A second server on the first one's database (the embedded database is process-wide). */
function sameDatabase(first: TestApp): Record<string, string> {
  return first.config.database.kind === 'postgres' ? { DATABASE_URL: first.config.database.url } : {};
}

async function cli(app: TestApp, argv: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await runCli(argv, app.config, { out: (line) => lines.push(line), err: (line) => lines.push(line) });
  return { code, out: lines.join('\n') };
}

describe('RFC 7517 §5 / RFC 9068 §4: withdrawing a compromised signing key (keys:revoke) and rotation across instances', () => {
  let app: TestApp;
  let client: RegisteredClient;
  let keys: SigningKeysService;
  // Check the key-set version on every use, so that "another instance" (the CLI, a second app) is seen at once.
  beforeAll(async () => {
    app = await createTestApp({ OAUTH_SIGNING_KEYS_CHECK_SECONDS: '0' });
    keys = app.app.get(SigningKeysService);
  });
  beforeEach(async () => {
    await app.resetDatabase();
    client = await app.registerClient(SERVICE);
  });
  afterAll(() => app.close());

  const issue = async () => (await app.app.get(TokenIssuerService).issue({ clientId: client.client_id, scopes: ['email'], refresh: 'none' })).access_token;
  const introspect = async (token: string) =>
    (await app.http.post('/introspect').set('Authorization', basicAuth(client)).type('form').send({ token })).body as { active: boolean };
  const published = async () => ((await app.http.get('/jwks.json')).body as { keys: { kid: string }[] }).keys.map((key) => key.kid);

  it('RFC 7517 §5: keys:revoke unpublishes the key and its tokens are refused; a new key signs', async () => {
    const token = await issue();
    const kid = decodeProtectedHeader(token).kid!;
    expect(await introspect(token)).toMatchObject({ active: true });

    const revoked = await cli(app, ['keys:revoke', kid]); // the CLI is another instance with its own cache
    expect(revoked.code).toBe(0);
    expect(revoked.out).toMatch(new RegExp(`Signing key ${kid} revoked; signing with `));

    expect(await published()).not.toContain(kid);
    expect(await introspect(token)).toEqual({ active: false });
    const next = await issue();
    expect(decodeProtectedHeader(next).kid).not.toBe(kid);
    expect(await introspect(next)).toMatchObject({ active: true });

    // Refused because it is revoked, not merely because its publication ended (another instance's clock may lag).
    await app.dataSource.query(`UPDATE signing_keys SET publish_until = now() + interval '1 day' WHERE kid = $1`, [kid]);
    await app.dataSource.query('UPDATE signing_key_set SET version = version + 1');
    expect(await published()).not.toContain(kid);
    expect(await introspect(token)).toEqual({ active: false });
  });

  it('keys:revoke of an unknown or already revoked kid exits 1 and changes nothing', async () => {
    const kid = (await keys.active()).kid;
    expect((await cli(app, ['keys:revoke', 'no-such-kid'])).code).toBe(1);
    expect(await published()).toContain(kid);
    expect((await cli(app, ['keys:revoke', kid])).code).toBe(0);
    expect((await cli(app, ['keys:revoke', kid])).code).toBe(1);
  });

  it('keys:list shows each key and its state, never key material', async () => {
    const kid = (await keys.active()).kid;
    await cli(app, ['keys:revoke', kid]);
    const listed = await cli(app, ['keys:list', '--json']);
    expect(listed.code).toBe(0);
    const rows = JSON.parse(listed.out) as { kid: string; status: string }[];
    expect(rows).toEqual(expect.arrayContaining([expect.objectContaining({ kid, status: 'revoked' }), expect.objectContaining({ status: 'signing' })]));
    expect(listed.out).not.toMatch(/"d"|private/);
  });

  describe('two instances on one database', () => {
    let second: TestApp;
    beforeAll(async () => (second = await createTestApp({ ...sameDatabase(app), OAUTH_SIGNING_KEYS_CHECK_SECONDS: '0' })));
    afterAll(() => second.close());

    it('RFC 9068 §4: a key revoked on one instance is refused and unpublished by the other at its next use', async () => {
      const token = await issue(); // this instance now caches the key set
      const kid = decodeProtectedHeader(token).kid!;
      const { revoked } = await second.app.get(SigningKeysService).revoke(kid);
      expect(revoked).toBe(true);
      expect(await app.app.get(TokenIssuerService).verifyAccessToken(token)).toBeNull();
      expect(await published()).not.toContain(kid);
      expect(decodeProtectedHeader(await issue()).kid).not.toBe(kid);
    });

    it('RFC 7517 §5: a rotation on one instance moves the other to the new signing key at its next use', async () => {
      const before = decodeProtectedHeader(await issue()).kid;
      const rotated = await second.app.get(SigningKeysService).rotate();
      expect(rotated).not.toBe(before);
      expect(decodeProtectedHeader(await issue()).kid).toBe(rotated);
    });
  });

  it('RFC 7515 §4.1.4: tokens with unknown kids cost a version read at most once per kid, never a reload of the keys', async () => {
    await issue(); // keys loaded
    const repository = app.app.get(SigningKeysRepository);
    const reloads = jest.spyOn(repository, 'published');
    const versionReads = jest.spyOn(repository, 'version');
    try {
      const { privateKey } = await generateKeyPair('RS256');
      const forged = (kid: string) =>
        new SignJWT({ client_id: client.client_id, scope: 'email' })
          .setProtectedHeader({ alg: 'RS256', kid, typ: 'at+jwt' })
          .setIssuer(TEST_ISSUER)
          .setAudience(TEST_ISSUER)
          .setSubject(client.client_id)
          .setIssuedAt()
          .setExpirationTime('5m')
          .setJti('00000000-0000-4000-8000-000000000000')
          .sign(privateKey);
      const issuer = app.app.get(TokenIssuerService);
      const kids = Array.from({ length: 5 }, () => randomBytes(32).toString('base64url'));
      for (let round = 0; round < 4; round += 1) {
        for (const kid of kids) expect(await issuer.verifyAccessToken(await forged(kid))).toBeNull();
      }
      expect(await issuer.verifyAccessToken(await forged('not-a-thumbprint'))).toBeNull();
      expect(reloads).not.toHaveBeenCalled();
      // The check interval is 0 here (a version read on every use) — beyond those, one read per new kid.
      const perUse = 4 * kids.length + 1;
      expect(versionReads.mock.calls.length).toBeLessThanOrEqual(perUse + kids.length);
    } finally {
      reloads.mockRestore();
      versionReads.mockRestore();
    }
  });
});
