import { constantTimeEqual, keyedHash, randomToken } from './tokens';

describe('crypto helpers', () => {
  it('randomToken gives URL-safe strings of the requested entropy', () => {
    expect(randomToken(32)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomToken(16)).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(new Set(Array.from({ length: 1000 }, () => randomToken(16))).size).toBe(1000);
  });

  it('keyedHash depends on the key and the secret', () => {
    expect(keyedHash('k1', 's')).toMatch(/^[0-9a-f]{64}$/);
    expect(keyedHash('k1', 's')).toBe(keyedHash('k1', 's'));
    expect(keyedHash('k1', 's')).not.toBe(keyedHash('k2', 's'));
    expect(keyedHash('k1', 's')).not.toBe(keyedHash('k1', 't'));
  });

  it('constantTimeEqual compares strings of any length', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
  });
});
