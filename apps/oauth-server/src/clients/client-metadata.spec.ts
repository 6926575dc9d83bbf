import { InvalidClientMetadataError, InvalidRedirectUriError } from '@app/oauth-errors';
import { assertValidClientMetadata, assertValidRedirectUri, MetadataPolicy, withRegistrationDefaults } from './client-metadata';

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
