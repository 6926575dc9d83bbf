import { isValidCodeVerifier, isValidS256Challenge, verifiesS256 } from './pkce';

describe('RFC 7636 PKCE', () => {
  // RFC 7636 Appendix B: the example verifier and its S256 challenge
  const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
  const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

  it('RFC 7636 §4.6 / Appendix B: the example verifier matches its S256 challenge', () => {
    expect(verifiesS256(verifier, challenge)).toBe(true);
  });

  it('RFC 7636 §4.6: any other verifier does not match', () => {
    expect(verifiesS256(`${verifier.slice(0, -1)}l`, challenge)).toBe(false);
    expect(verifiesS256(challenge, challenge)).toBe(false);
  });

  it('RFC 7636 §4.6: the derived challenge is compared in constant time (crypto.timingSafeEqual; CWE-208 timing leak)', () => {
    // The module object itself (not an import's interop copy), so that the spy sees @app/crypto's calls.
    const nodeCrypto = require('node:crypto') as typeof import('node:crypto');
    const compare = jest.spyOn(nodeCrypto, 'timingSafeEqual');
    try {
      verifiesS256(verifier, challenge);
      verifiesS256(`${verifier.slice(0, -1)}l`, challenge);
      expect(compare).toHaveBeenCalledTimes(2);
    } finally {
      compare.mockRestore();
    }
  });

  it('RFC 7636 §4.1: a verifier is 43–128 unreserved characters', () => {
    expect(isValidCodeVerifier(verifier)).toBe(true);
    expect(isValidCodeVerifier('a'.repeat(128))).toBe(true);
    expect(isValidCodeVerifier('a'.repeat(42))).toBe(false);
    expect(isValidCodeVerifier('a'.repeat(129))).toBe(false);
    expect(isValidCodeVerifier(`${'a'.repeat(42)}+`)).toBe(false);
  });

  it('RFC 7636 §4.2: an S256 challenge is 43 base64url characters', () => {
    expect(isValidS256Challenge(challenge)).toBe(true);
    expect(isValidS256Challenge(challenge.slice(1))).toBe(false);
    expect(isValidS256Challenge(`${challenge.slice(1)}=`)).toBe(false);
  });
});
