import { createSecretKey } from 'node:crypto';
import { constantTimeEqual, keyedHash, randomToken } from './tokens';

describe('crypto helpers', () => {
  it('randomToken gives URL-safe strings of the requested entropy', () => {
    expect(randomToken(32)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomToken(16)).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(new Set(Array.from({ length: 1000 }, () => randomToken(16))).size).toBe(1000);
  });

  it('randomToken never hands out the same entropy twice, across refills of its block and beyond its size', () => {
    // 32-byte tokens across many 4 KiB blocks, odd sizes that straddle a block's end, and one larger than a block
    const tokens = [
      ...Array.from({ length: 2000 }, () => randomToken(32)),
      ...Array.from({ length: 500 }, () => randomToken(33)),
      randomToken(5000),
    ];
    expect(new Set(tokens).size).toBe(tokens.length);
    expect(tokens.every((token) => token !== 'A'.repeat(token.length))).toBe(true); // no zeroed bytes reused
    expect(Buffer.from(tokens[tokens.length - 1], 'base64url')).toHaveLength(5000);
  });

  it('keyedHash depends on the key and the secret', () => {
    expect(keyedHash('k1', 's')).toMatch(/^[0-9a-f]{64}$/);
    expect(keyedHash('k1', 's')).toBe(keyedHash('k1', 's'));
    expect(keyedHash('k1', 's')).not.toBe(keyedHash('k2', 's'));
    expect(keyedHash('k1', 's')).not.toBe(keyedHash('k1', 't'));
    expect(keyedHash(createSecretKey(Buffer.from('k1', 'utf8')), 's')).toBe(keyedHash('k1', 's'));
  });

  it('constantTimeEqual compares with crypto.timingSafeEqual, over buffers of equal length even when the lengths differ', () => {
    // The module object itself (not an import's interop copy), so that the spy sees tokens.ts's calls.
    const nodeCrypto = require('node:crypto') as typeof import('node:crypto');
    const compare = jest.spyOn(nodeCrypto, 'timingSafeEqual');
    try {
      expect(constantTimeEqual('secret-value', 'secret-value')).toBe(true);
      expect(constantTimeEqual('secret-value', 'secret-valuf')).toBe(false);
      expect(constantTimeEqual('secret-value', 'short')).toBe(false);
      expect(compare).toHaveBeenCalledTimes(3);
      for (const [left, right] of compare.mock.calls) expect((left as Buffer).length).toBe((right as Buffer).length);
    } finally {
      compare.mockRestore();
    }
  });

  it('constantTimeEqual compares strings of any length', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
  });
});
