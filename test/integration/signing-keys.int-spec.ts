import { decodeProtectedHeader } from 'jose';
import { SigningKeysService } from '../../apps/oauth-server/src/authorization/keys/signing-keys.service';
import { TokenIssuerService } from '../../apps/oauth-server/src/authorization/token-issuer.service';
import { runCli } from '../../apps/oauth-server/src/cli/run-cli';
import { createTestApp, TestApp } from '../support/test-app';

describe('RFC 9068 signing keys: stored in the database, encrypted at rest, rotated, old keys still published', () => {
  let app: TestApp;
  let keys: SigningKeysService;
  let issuer: TokenIssuerService;
  beforeAll(async () => {
    app = await createTestApp({ OAUTH_KEY_ENCRYPTION_KEY: 'k'.repeat(40), OAUTH_ACCESS_TOKEN_TTL_SECONDS: '300' });
    keys = app.app.get(SigningKeysService);
    issuer = app.app.get(TokenIssuerService);
  });
  beforeEach(() => app.resetDatabase());
  afterAll(() => app.close());

  it('the private key is stored AES-GCM encrypted, never as a plain JWK', async () => {
    await keys.active();
    const rows: { private_jwk: string; encrypted: boolean; public_jwk: Record<string, unknown> }[] = await app.dataSource.query(
      'SELECT private_jwk, encrypted, public_jwk FROM signing_keys',
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.encrypted).toBe(true);
      expect(row.private_jwk).not.toContain('"d"');
      expect(row.public_jwk).not.toHaveProperty('d');
    }
  });

  it('a rotated-out key keeps verifying its tokens and stays in the JWKS; new tokens use the new key', async () => {
    const client = await app.registerClient({ grant_types: ['client_credentials'], redirect_uris: [], scope: 'email' });
    const before = await issuer.issue({ clientId: client.client_id, scopes: ['email'], refresh: 'none' });
    const oldKid = decodeProtectedHeader(before.access_token).kid;

    const newKid = await keys.rotate();
    expect(newKid).not.toBe(oldKid);
    const after = await issuer.issue({ clientId: client.client_id, scopes: ['email'], refresh: 'none' });
    expect(decodeProtectedHeader(after.access_token).kid).toBe(newKid);

    const published = (await keys.jwks()).keys.map((key) => key.kid);
    expect(published).toEqual(expect.arrayContaining([oldKid, newKid]));
    expect(await issuer.verifyAccessToken(before.access_token)).toMatchObject({ client_id: client.client_id });
    expect(await issuer.verifyAccessToken(after.access_token)).toMatchObject({ client_id: client.client_id });

    // Published until the longest token it signed can have expired (access 300 s, ID token 3600 s, + 60 s slack)
    const [old] = await app.dataSource.query('SELECT retire_at, publish_until FROM signing_keys WHERE kid = $1', [oldKid]);
    expect(new Date(old.publish_until).getTime() - new Date(old.retire_at).getTime()).toBeGreaterThanOrEqual(3600_000);
  });

  it('the operator command keys:rotate switches the signing key', async () => {
    const current = (await keys.active()).kid;
    const lines: string[] = [];
    const code = await runCli(['keys:rotate'], app.config, { out: (line) => lines.push(line), err: (line) => lines.push(line) });
    expect(code).toBe(0);
    expect(lines.join('\n')).toMatch(/Signing with the new key /);
    const rows: { kid: string }[] = await app.dataSource.query('SELECT kid FROM signing_keys WHERE retire_at > now()');
    expect(rows.map((row) => row.kid)).not.toContain(current);
  });
});

describe('signing keys across instances (one database, two servers)', () => {
  it('a token signed with a key another instance just created verifies at once', async () => {
    const first = await createTestApp();
    try {
      // The embedded database is process-wide; on PostgreSQL, point the second app at the first one's database.
      const second = await createTestApp(first.config.database.kind === 'postgres' ? { DATABASE_URL: first.config.database.url } : {});
      try {
        const client = await first.registerClient({ grant_types: ['client_credentials'], redirect_uris: [], scope: 'email' });
        await first.app.get(SigningKeysService).active(); // first instance caches the current key set
        const kid = await second.app.get(SigningKeysService).rotate();
        const token = await second.app.get(TokenIssuerService).issue({ clientId: client.client_id, scopes: ['email'], refresh: 'none' });
        expect(decodeProtectedHeader(token.access_token).kid).toBe(kid);
        expect(await first.app.get(TokenIssuerService).verifyAccessToken(token.access_token)).toMatchObject({ client_id: client.client_id });
      } finally {
        await second.close();
      }
    } finally {
      await first.close();
    }
  });
});
