import { decryptSecret, encryptSecret } from './key-encryption';

describe('signing keys at rest (AES-256-GCM)', () => {
  const secret = 'an operator secret of at least 32 characters';

  it('round-trips and never stores the plaintext', () => {
    const stored = encryptSecret('{"d":"private"}', secret);
    expect(stored).not.toContain('private');
    expect(decryptSecret(stored, secret)).toBe('{"d":"private"}');
  });

  it('fails with the wrong secret or a tampered value', () => {
    const stored = encryptSecret('{"d":"private"}', secret);
    expect(() => decryptSecret(stored, `${secret}!`)).toThrow();
    const tampered = Buffer.from(stored, 'base64url');
    tampered[tampered.length - 1] ^= 1;
    expect(() => decryptSecret(tampered.toString('base64url'), secret)).toThrow();
  });
});
