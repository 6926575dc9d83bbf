import { illFormedStringPath, JSON_BODY_LIMITS, jsonLimitViolation } from './json-body';

const scan = (text: string, limits = JSON_BODY_LIMITS) => jsonLimitViolation(Buffer.from(text, 'utf8'), limits);

describe('JSON body limits (docs/dynamic-client-registration.md)', () => {
  it('accepts the deepest body registration needs: body → jwks → keys → key → x5c', () => {
    expect(scan('{"jwks":{"keys":[{"kty":"RSA","x5c":["MIIB"]}]},"redirect_uris":["https://a.example/cb"]}')).toBeUndefined();
  });

  it('refuses nesting one level past the limit, arrays or objects', () => {
    const depth = JSON_BODY_LIMITS.maxDepth;
    expect(scan(`${'['.repeat(depth)}${']'.repeat(depth)}`)).toBeUndefined();
    expect(scan(`${'['.repeat(depth + 1)}${']'.repeat(depth + 1)}`)).toMatch(/nested deeper than 8 levels/);
    expect(scan(`${'{"a":'.repeat(depth + 1)}1${'}'.repeat(depth + 1)}`)).toMatch(/nested deeper/);
  });

  it('stops at the first level too deep, without reading the rest (an unterminated 30k-level body)', () => {
    expect(scan(`{"jwks":{"keys":${'['.repeat(30_000)}`)).toMatch(/nested deeper/);
  });

  it('counts values: flat but wide bodies past the limit are refused', () => {
    const wide = (n: number) => `{"jwks":{"keys":[${Array(n).fill('[]').join(',')}]}}`;
    // 2 objects + 1 array + n arrays + (n - 1) commas
    expect(scan(wide(499))).toBeUndefined();
    expect(scan(wide(500))).toMatch(/more than 1000 values/);
  });

  it('ignores brackets, commas and escaped quotes inside strings', () => {
    const inString = `{"client_name":"${'[{,'.repeat(5000)}\\"]]]]]]]]]]]]"}`;
    expect(scan(inString)).toBeUndefined();
    expect(scan(`{"a":"\\\\"${',[1]'.repeat(2)}}`)).toBeUndefined();
  });

  it('a backslash before the closing quote escapes it: what follows is still string content', () => {
    // "x\"[[[[[[[[[" is one string; counting its brackets as structure would be wrong
    expect(scan(`["x\\"${'['.repeat(20)}"]`)).toBeUndefined();
  });

  it('an unterminated string ends the scan without a verdict: JSON.parse refuses the text', () => {
    expect(scan(`{"a":"${'['.repeat(20)}`)).toBeUndefined();
  });
});

describe('RFC 8259 §8.2 well-formed strings', () => {
  it('finds a lone surrogate in a value, an array item or a member name, and names where', () => {
    expect(illFormedStringPath({ client_name: '\ud800' })).toBe('client_name');
    expect(illFormedStringPath({ jwks: { keys: [{ n: 'a\udc00' }] } })).toBe('jwks.keys.n');
    expect(illFormedStringPath({ ['x\ud800']: 1 })).toBe('(a member name)');
    expect(illFormedStringPath('\udfff')).toBe('(body)');
  });

  it('accepts surrogate pairs and every other string', () => {
    expect(illFormedStringPath({ client_name: 'Photo 📷 Book', contacts: ['ä@example.com'], n: 1, b: true, z: null })).toBeUndefined();
  });
});
