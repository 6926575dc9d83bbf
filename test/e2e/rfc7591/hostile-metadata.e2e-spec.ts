import { Writable } from 'node:stream';
import { aClient } from '../../support/builders';
import { createTestApp, TestApp } from '../../support/test-app';

/** Every log line the app writes at LOG_LEVEL=error: a refused body must leave none. */
function errorLog() {
  const lines: string[] = [];
  const stream = new Writable({ write: (chunk, _enc, done) => (lines.push(...String(chunk).split('\n').filter(Boolean)), done()) });
  return { stream, lines };
}

const deepJwks = (levels: number) => `{"jwks":{"keys":${'['.repeat(levels)}${']'.repeat(levels)}}}`;

describe('RFC 7591 §3.2.2 Client Registration Error Response: hostile request bodies', () => {
  let app: TestApp;
  const logs = errorLog();
  beforeAll(async () => (app = await createTestApp({ LOG_LEVEL: 'error' }, { logStream: logs.stream })));
  beforeEach(() => app.resetDatabase());
  afterAll(() => app.close());

  const post = (raw: string) => app.http.post('/register').set('Content-Type', 'application/json').send(raw);
  const expectRefused = async (res: { status: number; body: Record<string, unknown> }, error: string, mentions: RegExp) => {
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error, error_description: expect.stringMatching(mentions) });
  };

  it('RFC 7591 §3.2.2: JSON nested 30 000 levels deep (60 kB) → 400 invalid_client_metadata, nothing logged as an error', async () => {
    const body = deepJwks(30_000);
    expect(body.length).toBeGreaterThan(60_000);
    await expectRefused(await post(body), 'invalid_client_metadata', /nested deeper than 8 levels/);
    expect(logs.lines).toEqual([]);
  });

  it('RFC 7591 §3.2.2: nesting is bounded in members the server ignores too (refused at parse time, before any transform)', async () => {
    const body = JSON.stringify(aClient()).replace(/}$/, `,"x_unknown":${'{"a":'.repeat(9)}1${'}'.repeat(9)}}`);
    await expectRefused(await post(body), 'invalid_client_metadata', /nested deeper/);
  });

  it('RFC 7591 §3.2.2: a flat but wide body (21 000 empty arrays) → 400, before any transform', async () => {
    const body = `{"jwks":{"keys":[${Array(21_000).fill('[]').join(',')}]}}`;
    await expectRefused(await post(body), 'invalid_client_metadata', /more than 1000 values/);
    expect(logs.lines).toEqual([]);
  });

  it('RFC 6749 §5.2: on other endpoints the same body is invalid_request', async () => {
    const res = await app.http.post('/token').set('Content-Type', 'application/json').send(deepJwks(30_000));
    await expectRefused(res, 'invalid_request', /nested deeper/);
  });

  it('RFC 8259 §8.2 / RFC 7591 §3.2.2: a lone surrogate in client_name → 400 invalid_client_metadata naming the field, not a 500', async () => {
    const res = await post('{"redirect_uris":["https://app.example.com/callback"],"client_name":"\\ud800"}');
    await expectRefused(res, 'invalid_client_metadata', /^client_name: must be well-formed Unicode/);
    expect(logs.lines).toEqual([]);
  });

  it('RFC 8259 §8.2: a lone surrogate anywhere in the body, even in an ignored member or a member name, is refused', async () => {
    await expectRefused(
      await post('{"redirect_uris":["https://app.example.com/callback"],"x_unknown":["ok","\\udc00"]}'),
      'invalid_client_metadata',
      /^x_unknown: must be well-formed/,
    );
    await expectRefused(
      await post('{"redirect_uris":["https://app.example.com/callback"],"\\ud800x":1}'),
      'invalid_client_metadata',
      /member name/,
    );
  });

  it('RFC 8259 §8.2: a surrogate pair (an emoji) is well-formed and registered as sent', async () => {
    const res = await post('{"redirect_uris":["https://app.example.com/callback"],"client_name":"Photo \\ud83d\\udcf7"}');
    expect(res.status).toBe(201);
    expect(res.body.client_name).toBe('Photo 📷');
  });

  it.each([
    ['bidi override and zero-width space', 'Goog\u200ble \u202eelgooG', 'U+200B'],
    ['right-to-left override', '\u202eelgooG', 'U+202E'],
    ['zero-width joiner', 'Goo\u200dgle', 'U+200D'],
    ['a newline forging a second line', 'App\nclient_id=admin', 'U+000A'],
    ['a terminal escape sequence', 'App\u001b[31m', 'U+001B'],
    ['a line separator', 'App\u2028x', 'U+2028'],
  ])('RFC 7591 §2 / §3.2.2: client_name with %s → invalid_client_metadata naming the field', async (_case, name, codePoint) => {
    const res = await app.http.post('/register').send(aClient({ client_name: name }));
    await expectRefused(res, 'invalid_client_metadata', new RegExp(`^client_name: .*${codePoint.replace('+', '\\+')}$`));
  });

  it('RFC 7591 §2: the other human-readable fields are checked too (contacts, software_id, software_version)', async () => {
    await expectRefused(await app.http.post('/register').send(aClient({ contacts: ['ops@example.com\u202e'] })), 'invalid_client_metadata', /^contacts: /);
    await expectRefused(await app.http.post('/register').send(aClient({ software_id: 'id\u200b' })), 'invalid_client_metadata', /^software_id: /);
    await expectRefused(await app.http.post('/register').send(aClient({ software_version: '1\r\n2' })), 'invalid_client_metadata', /^software_version: /);
  });

  it('RFC 7591 §3.2.1: client_name is registered in Unicode NFC; names in any script are accepted', async () => {
    const res = await app.http.post('/register').send(aClient({ client_name: 'Cafe\u0301 写真 مكتبة' }));
    expect(res.status).toBe(201);
    expect(res.body.client_name).toBe('Caf\u00e9 写真 مكتبة');
  });

  it.each([
    ['U+2028', 'https://app.example.com/cb\u2028'],
    ['NUL', 'https://app.example.com/cb\u0000'],
    ['a non-ASCII path', 'https://app.example.com/café'],
    ['an IDN host', 'https://例え.jp/cb'],
  ])('RFC 7591 §2 / RFC 3986 §2: a redirect URI with %s → invalid_redirect_uri', async (_case, uri) => {
    const res = await app.http.post('/register').send(aClient({ redirect_uris: [uri] }));
    await expectRefused(res, 'invalid_redirect_uri', /^redirect_uris: .*(must be ASCII|NUL)/);
  });

  it.each(['client_uri', 'logo_uri', 'tos_uri', 'policy_uri', 'jwks_uri'])(
    'RFC 7591 §2 / RFC 3986 §2: %s with a non-ASCII character → invalid_client_metadata naming the field',
    async (field) => {
      for (const uri of ['https://app.example.com/\u2028', 'https://例え.jp/']) {
        const res = await app.http.post('/register').send(aClient({ [field]: uri }));
        await expectRefused(res, 'invalid_client_metadata', new RegExp(`^${field}: must be ASCII`));
      }
    },
  );

  it('RFC 3986 §2: the ASCII (punycode, percent-encoded) form is registered unchanged', async () => {
    const uri = 'https://xn--r8jz45g.jp/caf%C3%A9';
    const res = await app.http.post('/register').send(aClient({ redirect_uris: [uri], client_uri: uri }));
    expect(res.status).toBe(201);
    expect(res.body.redirect_uris).toEqual([uri]);
  });

  it.each([
    ['a nested member', { keys: [{ kty: 'RSA', n: { n: { n: 'x' } } }] }, /^jwks\.keys\[0\]\.n: must be a string or an array of strings/],
    ['a nested array', { keys: [{ kty: 'RSA', x5c: [['MIIB']] }] }, /^jwks\.keys\[0\]\.x5c: /],
    ['a key without kty', { keys: [{ n: 'x', e: 'AQAB' }] }, /kty/],
    ['private key material', { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'secret' }] }, /private key/],
  ])('RFC 7591 §2 / RFC 7517 §4: jwks with %s → invalid_client_metadata', async (_case, jwks, mentions) => {
    await expectRefused(await app.http.post('/register').send(aClient({ jwks })), 'invalid_client_metadata', mentions);
  });

  it('RFC 7591 §2: a flat public JWK Set is registered and returned as { keys }', async () => {
    const key = { kty: 'RSA', kid: 'k1', use: 'sig', n: 'sXch', e: 'AQAB', x5c: ['MIIB'] };
    const res = await app.http.post('/register').send(aClient({ jwks: { keys: [key], extra: 'ignored' } }));
    expect(res.status).toBe(201);
    expect(res.body.jwks).toEqual({ keys: [key] });
  });
});
