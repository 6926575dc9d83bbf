import type { AppConfig } from '@app/config';
import { createHash, createHmac } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { SecretHasher } from './secret-hasher.service';

const KEY_1 = 'first-token-hash-key-0123456789abcdef';
const KEY_2 = 'second-token-hash-key-0123456789abcdef';
const hasher = (key: string) => new SecretHasher({ tokenHashKey: key } as AppConfig, {} as DataSource);
// The module object itself (not an import's interop copy), so that a spy sees the calls of @app/crypto.
const nodeCrypto = require('node:crypto') as typeof import('node:crypto');
const sha256 = (secret: string, encoding: 'hex' | 'base64url') => createHash('sha256').update(secret).digest(encoding);

describe('SecretHasher: stored secrets are HMAC-SHA-256 under TOKEN_HASH_KEY, compared in constant time', () => {
  afterEach(() => jest.restoreAllMocks());

  it('the hash is keyed: not a plain SHA-256 of the secret, and a different key gives a different hash', async () => {
    const secret = 'client-secret-value-0123456789';
    const stored = await hasher(KEY_1).hash(secret);
    expect(stored).not.toBe(sha256(secret, 'hex'));
    expect(stored).not.toBe(sha256(secret, 'base64url'));
    expect(stored).toBe(createHmac('sha256', KEY_1).update(secret).digest('hex'));
    expect(await hasher(KEY_2).hash(secret)).not.toBe(stored);
  });

  it('matches() accepts the secret under its own key only', async () => {
    const stored = await hasher(KEY_1).hash('s3cret-value');
    expect(await hasher(KEY_1).matches('s3cret-value', stored)).toBe(true);
    expect(await hasher(KEY_1).matches('s3cret-valuf', stored)).toBe(false);
    expect(await hasher(KEY_2).matches('s3cret-value', stored)).toBe(false);
  });

  it('matches() compares with crypto.timingSafeEqual, whether the secret is right or wrong', async () => {
    const stored = await hasher(KEY_1).hash('s3cret-value');
    const compare = jest.spyOn(nodeCrypto, 'timingSafeEqual');
    await hasher(KEY_1).matches('s3cret-value', stored);
    await hasher(KEY_1).matches('wrong', stored);
    expect(compare).toHaveBeenCalledTimes(2);
    for (const [left, right] of compare.mock.calls) expect((left as Buffer).length).toBe((right as Buffer).length);
  });
});
