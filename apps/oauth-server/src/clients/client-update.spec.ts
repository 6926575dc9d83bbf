import { InsufficientScopeError, InvalidClientMetadataError, InvalidRedirectUriError, InvalidRequestError } from '@app/oauth-errors';
import type { MetadataPolicy } from './client-metadata';
import type { Client } from './client.entity';
import { decideUpdate, UpdateInput } from './client-update';
import type { UpdateClientDto } from './dto/update-client.dto';
import { BUILT_IN_POLICIES, parseRegistrationPolicies } from './policies/registration-policy';

const rules: MetadataPolicy = { scopesSupported: ['openid', 'profile', 'email'], maxRedirectUris: 5, maxContacts: 2 };
const policies = parseRegistrationPolicies(
  {
    open_registration_policy: 'default',
    initial_access_token_policy: 'partners',
    policies: { default: {}, partners: { redirect_uris: { hosts: ['partner.example'] } } },
  },
  rules.scopesSupported,
);
const REDIRECT = 'https://app.example/cb';
const SECRET_HASH = 'hash-of-the-issued-secret';

function aStoredClient(overrides: Partial<Client> = {}): Client {
  return {
    clientId: 'client-1',
    secretHash: SECRET_HASH,
    secretExpiresAt: new Date('2030-01-01T00:00:00Z'),
    metadata: {
      redirect_uris: [REDIRECT],
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      application_type: 'web',
      scope: 'openid',
      client_name: 'Example',
    },
    selfService: 'full',
    issuedAt: new Date('2026-01-01T00:00:00Z'),
    updatedAt: new Date('2026-01-01T00:00:00Z'),
    registrationPolicy: 'default',
    softwareStatementClaims: null,
    ...overrides,
  };
}

const matching = { against: SECRET_HASH, matches: true };

function decide(body: Partial<UpdateClientDto>, overrides: Partial<UpdateInput> = {}) {
  return decideUpdate({
    current: aStoredClient(),
    body: { client_id: 'client-1', client_secret: 'the-secret', redirect_uris: [REDIRECT], ...body } as UpdateClientDto,
    policies,
    metadataRules: rules,
    secret: matching,
    ...overrides,
  });
}

describe('RFC 7592 §2.2 Client Update Request: the decision (current client + body + policy → change or OAuthError)', () => {
  it('RFC 7592 §2.2: a request without client_id is invalid_request', () => {
    expect(() => decide({ client_id: undefined })).toThrow(InvalidRequestError);
  });

  it('RFC 7592 §2.2: a client_id other than the registered one is invalid_request', () => {
    expect(() => decide({ client_id: 'client-2' })).toThrow(/client_id: must equal/);
  });

  it.each(['registration_access_token', 'registration_client_uri', 'client_secret_expires_at', 'client_id_issued_at'])(
    'RFC 7592 §2.2: the server-assigned field %s must not be sent (invalid_request naming it)',
    (field) => {
      expect(() => decide({ [field]: 'x' })).toThrow(new InvalidRequestError(`${field}: assigned by the server and must not be sent (RFC 7592 §2.2)`));
    },
  );

  it('RFC 7592 §2.2: a confidential client that sends no client_secret is refused', () => {
    expect(() => decide({ client_secret: undefined }, { secret: undefined })).toThrow(/client_secret: required/);
  });

  it('RFC 7592 §2.2: a client_secret that does not match the issued one is refused', () => {
    expect(() => decide({}, { secret: { against: SECRET_HASH, matches: false } })).toThrow(/client_secret: does not match/);
  });

  it('RFC 7592 §2.2: a secret checked against a hash that is no longer the issued one (replaced meanwhile) does not match', () => {
    expect(() => decide({}, { current: aStoredClient({ secretHash: 'hash-of-a-rotated-secret' }) })).toThrow(/client_secret: does not match/);
  });

  it('RFC 7592 §2.2: with the matching secret the issued secret is kept; the client never chooses it', () => {
    const change = decide({});
    expect(change.secretHash).toBe(SECRET_HASH);
    expect(change.secretExpiresAt).toEqual(new Date('2030-01-01T00:00:00Z'));
  });

  it('RFC 7592 §2.2: omitted fields are treated as null, so the registration defaults apply again', () => {
    const change = decide({});
    expect(change.metadata.grant_types).toEqual(['authorization_code']);
    expect(change.metadata.scope).toBe('openid profile email');
    expect(change.metadata).not.toHaveProperty('client_name');
  });

  it('RFC 7592 §2.2: the sent fields replace the registered ones', () => {
    const change = decide({ client_name: 'Renamed', grant_types: ['authorization_code', 'refresh_token'] });
    expect(change.metadata).toMatchObject({ client_name: 'Renamed', grant_types: ['authorization_code', 'refresh_token'], redirect_uris: [REDIRECT] });
  });

  it('RFC 7591 §2: the new metadata passes the server-wide rules (an unregistrable redirect URI is invalid_redirect_uri)', () => {
    expect(() => decide({ redirect_uris: ['http://app.example/cb'] })).toThrow(InvalidRedirectUriError);
  });

  it('docs/registration-policies.md: the update is judged under the policy that admitted the client, not the open one', () => {
    const partner = aStoredClient({ registrationPolicy: 'partners', metadata: { ...aStoredClient().metadata, redirect_uris: ['https://partner.example/cb'] } });
    expect(() => decide({ redirect_uris: ['https://partner.example/cb'] }, { current: partner })).not.toThrow();
    expect(() => decide({ redirect_uris: [REDIRECT] }, { current: partner })).toThrow(/rule redirect_uris.hosts/);
    // The same body is fine for a client of the open policy.
    expect(() => decide({ redirect_uris: [REDIRECT] })).not.toThrow();
  });

  it('docs/registration-policies.md: a client whose policy was removed from the file is refused, not judged under another', () => {
    expect(() => decide({}, { policies: BUILT_IN_POLICIES, current: aStoredClient({ registrationPolicy: 'partners' }) })).toThrow(
      new InvalidClientMetadataError('registration policy "partners" no longer exists; ask the operator'),
    );
  });

  it.each(['read-only', 'none'] as const)('RFC 7592 §2.2: a client the operator locked (%s) may not update: 403 insufficient_scope', (selfService) => {
    expect(() => decide({}, { current: aStoredClient({ selfService }) })).toThrow(InsufficientScopeError);
  });

  it('RFC 7592 §2.2: a public client cannot become confidential (it could not present a secret it never had)', () => {
    const publicClient = aStoredClient({ secretHash: null, secretExpiresAt: null, metadata: { ...aStoredClient().metadata, token_endpoint_auth_method: 'none' } });
    expect(() => decide({ client_secret: undefined, token_endpoint_auth_method: 'client_secret_basic' }, { current: publicClient, secret: undefined })).toThrow(
      /a public client cannot become confidential/,
    );
    const stillPublic = decide({ client_secret: undefined, token_endpoint_auth_method: 'none' }, { current: publicClient, secret: undefined });
    expect(stillPublic.secretHash).toBeNull();
  });

  it('RFC 7592 §2.2: a confidential client that becomes public loses its secret', () => {
    const change = decide({ token_endpoint_auth_method: 'none' });
    expect(change.secretHash).toBeNull();
    expect(change.secretExpiresAt).toBeNull();
  });

  it('RFC 7591 §2.3: without a new statement, the stored statement claims keep precedence and the statement is kept', () => {
    const claims = { client_name: 'Signed Name', software_id: 'sw-1' };
    const current = aStoredClient({ softwareStatementClaims: claims, metadata: { ...aStoredClient().metadata, ...claims, software_statement: 'eyJ.stored.jws' } });
    const change = decide({ client_name: 'Spoofed Name' }, { current });
    expect(change.metadata).toMatchObject({ client_name: 'Signed Name', software_id: 'sw-1', software_statement: 'eyJ.stored.jws' });
    expect(change.softwareStatementClaims).toBeUndefined();
  });

  it('RFC 7591 §2.3: a newly verified statement replaces the stored claims', () => {
    const verified = { issuer: 'https://issuer.example', metadata: { client_name: 'New Signed Name' } };
    const change = decide({ software_statement: 'eyJ.new.jws', client_name: 'Other' }, { verified });
    expect(change.metadata).toMatchObject({ client_name: 'New Signed Name', software_statement: 'eyJ.new.jws' });
    expect(change.softwareStatementClaims).toEqual({ client_name: 'New Signed Name' });
  });

  it('is deterministic: deciding twice on the same row gives the same change (the locked re-decision relies on it)', () => {
    expect(decide({ client_name: 'Same' })).toEqual(decide({ client_name: 'Same' }));
  });
});
