import { createHash, createHmac } from 'node:crypto';
import { createTestApp, TestApp } from '../../support/test-app';

const TOKEN_HASH_KEY = 'stored-secrets-test-key-0123456789abcdef';
const hmac = (key: string, secret: string) => createHmac('sha256', key).update(secret).digest('hex');
const plainSha256 = (secret: string) => [createHash('sha256').update(secret).digest('hex'), createHash('sha256').update(secret).digest('base64url')];

/**
 * RFC 7591 §5 / RFC 6819 §5.1.4.1.3: the client secret and the registration access token are stored
 * only as a hash, and that hash is keyed (HMAC-SHA-256 under TOKEN_HASH_KEY): a copy of the database
 * alone does not let anyone test guesses, and a plain SHA-256 would.
 */
describe('RFC 7591 §5: stored secrets are keyed hashes (HMAC under TOKEN_HASH_KEY), never the secret or its plain SHA-256', () => {
  let app: TestApp;
  beforeAll(async () => (app = await createTestApp({ TOKEN_HASH_KEY })));
  afterAll(() => app.close());

  it('client_secret and registration_access_token: the stored value is HMAC(TOKEN_HASH_KEY, secret), which another key would not give', async () => {
    const client = await app.registerClient({ client_name: 'stored secrets' });
    const [row] = await app.dataSource.query(`SELECT secret_hash FROM clients WHERE client_id = $1`, [client.client_id]);
    const tokens: { token_hash: string }[] = await app.dataSource.query(`SELECT token_hash FROM registration_tokens WHERE client_id = $1`, [client.client_id]);
    const stored = [
      { secret: client.client_secret!, hash: row.secret_hash as string },
      { secret: client.registration_access_token, hash: tokens[0]?.token_hash },
    ];
    expect(tokens).toHaveLength(1);
    for (const { secret, hash } of stored) {
      expect(hash).toBe(hmac(TOKEN_HASH_KEY, secret));
      expect(hash).not.toBe(hmac('another-token-hash-key-0123456789abcdef', secret));
      expect(plainSha256(secret)).not.toContain(hash);
      expect(hash).not.toContain(secret);
    }
  });
});
