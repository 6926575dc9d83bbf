import { InvalidConfigurationError } from '@app/config';
import { InvalidClientMetadataError, InvalidRedirectUriError } from '@app/oauth-errors';
import { withRegistrationDefaults } from '../client-metadata';
import { assertAllowedByPolicy, assertJwksUriIsPublic, isPublicAddress, withPolicyDefaults } from './policy-enforcement';
import { parseRegistrationPolicies, RegistrationPolicy } from './registration-policy';

const SCOPES = ['openid', 'profile', 'email'];
const parse = (document: unknown) => parseRegistrationPolicies(document, SCOPES);

describe('registration policy file: validated at start-up, errors name the offending key', () => {
  it('reads a complete policy', () => {
    const policies = parse({
      open_registration_policy: 'anonymous',
      initial_access_token_policy: 'partners',
      software_statements: { issuers: ['https://partners.example'], jwks_uri: 'https://partners.example/jwks.json', algorithms: ['ES256'] },
      policies: {
        anonymous: {
          redirect_uris: { schemes: ['https', 'http'], hosts: ['localhost', '*.apps.example'] },
          grant_types: ['authorization_code'],
          token_endpoint_auth_methods: ['none'],
          scopes: ['openid'],
          public_pkce_clients_only: true,
          metadata_uris_match_redirect_uris: true,
          quotas: { per_source_address_per_day: 5, per_software_id_per_day: 20 },
        },
        partners: { require_software_statement: true, trusted: true, quotas: { per_initial_access_token: 10 } },
      },
    });
    expect(policies.openRegistrationPolicy).toBe('anonymous');
    expect(policies.policies.get('anonymous')).toMatchObject({
      redirectUriHosts: ['localhost', '*.apps.example'],
      publicPkceClientsOnly: true,
      quotas: { perSourceAddressPerDay: 5, perSoftwareIdPerDay: 20 },
    });
    expect(policies.policies.get('partners')?.quotas.perInitialAccessToken).toBe(10);
    expect(policies.policies.get('partners')?.trusted).toBe(true);
    // RFC 9700 §4.11.2: trust is off unless the operator says so
    expect(policies.policies.get('anonymous')?.trusted).toBe(false);
    expect(policies.softwareStatements).toMatchObject({ algorithms: ['ES256'], clockSkewSeconds: 60 });
  });

  it('a single policy serves both open registration and initial access tokens', () => {
    const policies = parse({ policies: { only: {} } });
    expect([policies.openRegistrationPolicy, policies.initialAccessTokenPolicy]).toEqual(['only', 'only']);
  });

  it.each([
    [{ policies: { a: { grant_type: ['authorization_code'] } } }, /policies\.a\.grant_type: unknown key/],
    [{ policies: { a: { grant_types: ['implicit'] } } }, /policies\.a\.grant_types\[0\]: "implicit" is not one of/],
    [{ policies: { a: { scopes: ['openid', 'admin'] } } }, /policies\.a\.scopes\[1\]: "admin" is not one of openid, profile, email/],
    [{ policies: { a: { token_endpoint_auth_methods: 'none' } } }, /policies\.a\.token_endpoint_auth_methods: must be a non-empty list/],
    [{ policies: { a: { redirect_uris: { schemes: ['javascript'] } } } }, /policies\.a\.redirect_uris\.schemes\[0\]: "javascript" is never allowed/],
    [{ policies: { a: { redirect_uris: { hosts: ['ex*mple.com'] } } } }, /policies\.a\.redirect_uris\.hosts\[0\]/],
    [{ policies: { a: { quotas: { per_source_address_per_day: 0 } } } }, /policies\.a\.quotas\.per_source_address_per_day: must be an integer/],
    [{ policies: { a: { public_pkce_clients_only: 'yes' } } }, /policies\.a\.public_pkce_clients_only: must be true or false/],
    [{ policies: { a: { trusted: 'yes' } } }, /policies\.a\.trusted: must be true or false/],
    [{ policies: { a: {}, b: {} } }, /open_registration_policy: required when there is more than one policy/],
    [{ open_registration_policy: 'c', policies: { a: {} } }, /open_registration_policy: "c" is not one of the policies/],
    [{ policies: { a: { require_software_statement: true } } }, /software_statements: required because policy "a"/],
    [{ software_statements: { issuers: ['x'] }, policies: { a: {} } }, /software_statements: exactly one of jwks_file and jwks_uri/],
    [{ software_statements: { issuers: ['x'], jwks_uri: 'http://keys.example' }, policies: { a: {} } }, /jwks_uri: must be an https URL/],
    [{ software_statements: { issuers: ['x'], jwks_uri: 'https://k.example', algorithms: ['HS256'] }, policies: { a: {} } }, /algorithms\[0\]: "HS256"/],
    [{ software_statements: { issuers: ['x'], jwks_file: '/nonexistent/keys.json' }, policies: { a: {} } }, /jwks_file: \/nonexistent\/keys.json is not a readable JWK Set/],
    [{ policy: {} }, /policy: unknown key/],
    ['just text', /\(root\): must be a mapping/],
  ])('%j is refused', (document, message) => {
    expect(() => parse(document)).toThrow(InvalidConfigurationError);
    expect(() => parse(document)).toThrow(message);
  });
});

describe('registration policy rules', () => {
  const rules = { scopesSupported: SCOPES, maxRedirectUris: 5, maxContacts: 5 };
  const policy = (overrides: Partial<RegistrationPolicy>): RegistrationPolicy => ({
    name: 'p',
    publicPkceClientsOnly: false,
    requireSoftwareStatement: false,
    metadataUrisMatchRedirectUris: false,
    trusted: false,
    quotas: {},
    ...overrides,
  });
  const judge = (requested: Record<string, unknown>, p: RegistrationPolicy) =>
    assertAllowedByPolicy(withRegistrationDefaults(withPolicyDefaults(requested, p), rules), p);

  it('hosts: exact names, and "*.example.com" for subdomains only', () => {
    const p = policy({ redirectUriHosts: ['localhost', '*.apps.example'] });
    expect(() => judge({ redirect_uris: ['https://a.apps.example/cb', 'http://localhost:8080/cb'] }, p)).not.toThrow();
    expect(() => judge({ redirect_uris: ['https://apps.example/cb'] }, p)).toThrow(InvalidRedirectUriError);
    expect(() => judge({ redirect_uris: ['https://evilapps.example/cb'] }, p)).toThrow(/rule redirect_uris.hosts/);
  });

  it('public_pkce_clients_only substitutes "none" when omitted (RFC 7591 §3.2.1) and refuses a confidential method', () => {
    const p = policy({ publicPkceClientsOnly: true });
    expect(withPolicyDefaults({}, p).token_endpoint_auth_method).toBe('none');
    expect(() => judge({ redirect_uris: ['https://a.example/cb'] }, p)).not.toThrow();
    expect(() => judge({ redirect_uris: ['https://a.example/cb'], token_endpoint_auth_method: 'client_secret_basic' }, p)).toThrow(
      /rule public_pkce_clients_only/,
    );
  });

  it('RFC 7591 §5: logo_uri must share scheme and host with a redirect URI', () => {
    const p = policy({ metadataUrisMatchRedirectUris: true });
    expect(() => judge({ redirect_uris: ['https://a.example/cb'], logo_uri: 'https://a.example/logo.png' }, p)).not.toThrow();
    expect(() => judge({ redirect_uris: ['https://a.example/cb'], logo_uri: 'https://cdn.example/logo.png' }, p)).toThrow(InvalidClientMetadataError);
    expect(() => judge({ redirect_uris: ['https://a.example/cb'], tos_uri: 'http://a.example/tos' }, p)).toThrow(/tos_uri/);
  });

  it('RFC 7591 §5: jwks_uri never names loopback, link-local or private addresses', () => {
    const base = withRegistrationDefaults({ redirect_uris: ['https://a.example/cb'] }, rules);
    for (const uri of ['https://localhost/jwks', 'https://127.0.0.1/jwks', 'https://169.254.169.254/latest', 'https://10.1.2.3/k', 'https://[::1]/k', 'https://[fe80::1]/k', 'https://[::ffff:192.168.0.1]/k']) {
      expect(() => assertJwksUriIsPublic({ ...base, jwks_uri: uri })).toThrow(/loopback, link-local or private/);
    }
    expect(() => assertJwksUriIsPublic({ ...base, jwks_uri: 'https://keys.example.com/jwks' })).not.toThrow();
    expect(isPublicAddress('8.8.8.8')).toBe(true);
    expect(isPublicAddress('2001:4860:4860::8888')).toBe(true);
    expect(isPublicAddress('172.20.0.1')).toBe(false);
  });
});
