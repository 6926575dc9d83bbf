import { InvalidClientMetadataError, InvalidRedirectUriError } from '@app/oauth-errors';
import { assertValidClientMetadata, assertValidRedirectUri, ClientMetadata, MetadataPolicy, withoutUnknownScopes, withRegistrationDefaults } from './client-metadata';

const policy: MetadataPolicy = { scopesSupported: ['openid', 'profile', 'email'], maxRedirectUris: 5, maxContacts: 2 };

describe('RFC 7591 §2 client metadata defaults', () => {
  it('RFC 7591 §2: fills grant_types, response_types, token_endpoint_auth_method; OIDC application_type; default scope', () => {
    expect(withRegistrationDefaults({ redirect_uris: ['https://a.example/cb'] }, policy)).toEqual({
      redirect_uris: ['https://a.example/cb'],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      application_type: 'web',
      scope: 'openid profile email',
    });
  });

  it('RFC 7591 §2.1: a client without the code grant gets no response type by default', () => {
    expect(withRegistrationDefaults({ grant_types: ['client_credentials'] }, policy).response_types).toEqual([]);
  });

  it('RFC 7592 §2.2: null is treated like an omitted field', () => {
    const metadata = withRegistrationDefaults({ redirect_uris: ['https://a.example/cb'], client_name: null, grant_types: null }, policy);
    expect(metadata).not.toHaveProperty('client_name');
    expect(metadata.grant_types).toEqual(['authorization_code']);
  });
});

describe('RFC 6749 §3.1.2, RFC 8252 §7, RFC 9700 §4.1 redirect URI rules', () => {
  it.each([
    ['https://app.example.com/cb', 'web'],
    ['https://app.example.com/cb?x=1', 'web'],
    ['http://localhost:3000/cb', 'web'],
    ['http://127.0.0.1/cb', 'web'],
    ['http://[::1]:8080/cb', 'web'],
    ['http://127.0.0.1:51004/oauth2redirect', 'native'],
    ['com.example.app:/oauth2redirect', 'native'],
    ['https://app.example.com/native-claimed', 'native'],
  ] as const)('accepts %s for a %s client', (uri, type) => {
    expect(() => assertValidRedirectUri(uri, type)).not.toThrow();
  });

  it.each([
    ['https://app.example.com/cb#x', 'web', /fragment/],
    ['https://app.example.com/cb#', 'web', /fragment/],
    ['app.example.com/cb', 'web', /absolute/],
    ['javascript:alert(1)', 'native', /forbidden/],
    ['JAVASCRIPT:alert(1)', 'native', /forbidden/],
    ['Data:text/html,x', 'native', /forbidden/],
    ['vbscript:x', 'native', /forbidden/],
    [' https://app.example.com/cb', 'web', /control/],
    ['https://app.example.com/c\nb', 'web', /control/],
    ['http://app.example.com/cb', 'web', /https/],
    ['http://app.example.com/cb', 'native', /https/],
    ['http://127.0.0.1.evil.com/cb', 'web', /https/],
    ['myapp:/cb', 'native', /reverse domain/],
    ['com.example.app:/cb', 'web', /https/],
    ['https://u:p@app.example.com/cb', 'web', /credentials/],
  ] as const)('refuses %j for a %s client', (uri, type, reason) => {
    expect(() => assertValidRedirectUri(uri, type)).toThrow(InvalidRedirectUriError);
    expect(() => assertValidRedirectUri(uri, type)).toThrow(reason);
  });
});

describe('RFC 7591 §2 / §2.1 metadata rules', () => {
  const valid = () => withRegistrationDefaults({ redirect_uris: ['https://a.example/cb'] }, policy);

  it('accepts the defaults', () => {
    expect(() => assertValidClientMetadata(valid(), policy)).not.toThrow();
  });

  it('refuses duplicate redirect URIs and more than the configured number', () => {
    expect(() => assertValidClientMetadata({ ...valid(), redirect_uris: ['https://a.example/cb', 'https://a.example/cb'] }, policy)).toThrow(
      /twice/,
    );
    const many = Array.from({ length: 6 }, (_, i) => `https://a.example/${i}`);
    expect(() => assertValidClientMetadata({ ...valid(), redirect_uris: many }, policy)).toThrow(/at most 5/);
  });

  it('refuses an empty grant_types list', () => {
    expect(() => assertValidClientMetadata({ ...valid(), grant_types: [], response_types: [] }, policy)).toThrow(InvalidClientMetadataError);
  });

  it('RFC 6749 §3.3: refuses a malformed scope string', () => {
    expect(() => assertValidClientMetadata({ ...valid(), scope: 'openid  profile' }, policy)).toThrow(/scope/);
    expect(() => assertValidClientMetadata({ ...valid(), scope: 'openid "x"' }, policy)).toThrow(/scope/);
  });
});

describe('RFC 7591 §2 hostile metadata values', () => {
  const valid = () => withRegistrationDefaults({ redirect_uris: ['https://a.example/cb'] }, policy);
  const check = (fields: Partial<ClientMetadata>) => () => assertValidClientMetadata({ ...valid(), ...fields } as ClientMetadata, policy);

  it.each([
    ['U+202E right-to-left override', 'Goog \u202eelgooG'],
    ['U+200B zero-width space', 'Goog\u200ble'],
    ['U+200D zero-width joiner', 'Goog\u200dle'],
    ['U+2066 left-to-right isolate', 'a\u2066b'],
    ['U+FEFF byte order mark', '\ufeffGoogle'],
    ['U+00AD soft hyphen', 'Goo\u00adgle'],
    ['U+000A line feed', 'App\nERROR forged line'],
    ['U+001B escape', 'App\u001b[2J'],
    ['U+0085 next line', 'App\u0085x'],
    ['U+2028 line separator', 'App\u2028x'],
    ['U+E000 private use', 'App \ue000'],
  ])('client_name with %s → invalid_client_metadata naming the field and the code point', (_case, name) => {
    expect(check({ client_name: name })).toThrow(InvalidClientMetadataError);
    expect(check({ client_name: name })).toThrow(/^client_name: .*found U\+[0-9A-F]{4}$/);
  });

  it('every human-readable field is checked: contacts, software_id, software_version', () => {
    expect(check({ contacts: ['ok@example.com', 'a\u202e@example.com'] })).toThrow(/^contacts: /);
    expect(check({ software_id: 'id\u200b' })).toThrow(/^software_id: /);
    expect(check({ software_version: '1.0\n' })).toThrow(/^software_version: /);
  });

  it('accepts names in any script, with emoji and ordinary spaces', () => {
    for (const name of ['Photo Book', 'Фотокнига', '写真アルバム', 'مكتبة الصور', 'Café 📷', 'a\u3000b']) {
      expect(check({ client_name: name })).not.toThrow();
    }
  });

  it('Unicode UAX #15: client_name is stored in NFC, so one name has one form', () => {
    const decomposed = 'Cafe\u0301';
    expect(withRegistrationDefaults({ client_name: decomposed }, policy).client_name).toBe('Caf\u00e9');
  });

  it('RFC 8259 §8.2: a lone surrogate in any value or member name → invalid_client_metadata', () => {
    expect(check({ client_name: 'x\ud800' })).toThrow(/client_name: must be well-formed Unicode/);
    expect(check({ jwks: { keys: [{ kty: 'RSA', n: '\udc00' }] } })).toThrow(/jwks\.keys\.n: must be well-formed/);
    expect(check({ jwks: { keys: [{ kty: 'RSA', ['\ud800']: 'x' }] } })).toThrow(/member names must be well-formed/);
  });

  it.each([
    ['U+2028 line separator', 'https://app.example.com/cb\u2028'],
    ['a non-ASCII path', 'https://app.example.com/café'],
    ['an IDN host', 'https://例え.jp/cb'],
    ['U+00A0 no-break space', 'https://app.example.com/\u00a0'],
    ['U+007F delete', 'https://app.example.com/\u007f'],
  ])('RFC 3986 §2: a redirect URI with %s → invalid_redirect_uri', (_case, uri) => {
    expect(() => assertValidRedirectUri(uri, 'web')).toThrow(InvalidRedirectUriError);
    expect(() => assertValidRedirectUri(uri, 'web')).toThrow(/must be ASCII/);
  });

  it('RFC 3986 §2: the ASCII form of the same URIs is accepted', () => {
    expect(() => assertValidRedirectUri('https://xn--r8jz45g.jp/caf%C3%A9', 'web')).not.toThrow();
  });

  it.each(['client_uri', 'logo_uri', 'tos_uri', 'policy_uri', 'jwks_uri'] as const)(
    'RFC 3986 §2: %s must be ASCII → invalid_client_metadata naming the field',
    (field) => {
      for (const uri of ['https://app.example.com/\u2028', 'https://例え.jp/', 'https://app.example.com/\u0001', 'https://app.example.com/a b']) {
        expect(check({ [field]: uri })).toThrow(InvalidClientMetadataError);
        expect(check({ [field]: uri })).toThrow(new RegExp(`^${field}: must be`));
      }
      expect(check({ [field]: 'https://xn--r8jz45g.jp/caf%C3%A9' })).not.toThrow();
    },
  );

  it.each([
    ['not an object', ['k']],
    ['no keys array', { kty: 'RSA' }],
    ['a key that is an array', { keys: [['RSA']] }],
    ['a nested member', { keys: [{ kty: 'RSA', n: { deeper: 'x' } }] }],
    ['a nested array', { keys: [{ kty: 'RSA', x5c: [['MIIB']] }] }],
    ['a number member', { keys: [{ kty: 'RSA', e: 65537 }] }],
    ['a key without kty', { keys: [{ n: 'x', e: 'AQAB' }] }],
    ['a private RSA key', { keys: [{ kty: 'RSA', n: 'x', e: 'AQAB', d: 'secret' }] }],
    ['a symmetric key', { keys: [{ kty: 'oct', k: 'secret' }] }],
    ['more than 20 keys', { keys: Array.from({ length: 21 }, (_, i) => ({ kty: 'EC', kid: `k${i}` })) }],
  ])('RFC 7591 §2 / RFC 7517 §4–5: jwks with %s → invalid_client_metadata', (_case, jwks) => {
    expect(check({ jwks } as unknown as Partial<ClientMetadata>)).toThrow(InvalidClientMetadataError);
    expect(check({ jwks } as unknown as Partial<ClientMetadata>)).toThrow(/^jwks/);
  });

  it('RFC 7517 §4–5: a flat public JWK Set is accepted; members of the set other than keys are not stored', () => {
    const key = { kty: 'RSA', n: 'x', e: 'AQAB', kid: 'k1', key_ops: ['verify'], x5c: ['MIIB'] };
    expect(check({ jwks: { keys: [key] } })).not.toThrow();
    const metadata = withRegistrationDefaults({ jwks: { keys: [key], extra: { a: 1 } } as unknown as ClientMetadata['jwks'] }, policy);
    expect(metadata.jwks).toEqual({ keys: [key] });
  });
});

describe('RFC 7591 §3.2.1 the server replaces requested scope values it does not support', () => {
  it('RFC 7591 §3.2.1: unsupported scope values are dropped, the supported subset registered', () => {
    const known = withoutUnknownScopes({ scope: 'openid offline_access mcp:tools email openid' }, policy.scopesSupported);
    expect(known.scope).toBe('openid email');
    const metadata = withRegistrationDefaults(known, policy);
    expect(() => assertValidClientMetadata({ ...metadata, redirect_uris: ['https://a.example/cb'] }, policy)).not.toThrow();
  });

  it('RFC 7591 §2: none supported → scope counts as omitted, so the default set is registered', () => {
    expect(withoutUnknownScopes({ scope: 'mcp:tools' }, policy.scopesSupported).scope).toBeUndefined();
    expect(withRegistrationDefaults(withoutUnknownScopes({ scope: 'mcp:tools' }, policy.scopesSupported), policy).scope).toBe('openid profile email');
  });

  it('RFC 6749 §3.3: a malformed scope list is kept, so it is still refused with invalid_client_metadata', () => {
    expect(withoutUnknownScopes({ scope: 'openid  profile' }, policy.scopesSupported).scope).toBe('openid  profile');
    const metadata = withRegistrationDefaults({ redirect_uris: ['https://a.example/cb'], scope: 'openid  profile' }, policy);
    expect(() => assertValidClientMetadata(metadata, policy)).toThrow(InvalidClientMetadataError);
  });
});
