import type { AppConfig } from '@app/config';
import { SecretHasher } from '@app/hashing';
import type { DataSource } from 'typeorm';
import { InMemoryClientStore } from '../../../../test/support/fakes/client-stores.fake';
import { ClientLookupService } from './client-lookup.service';
import type { Client } from './client.entity';
import { parseRegistrationPolicies } from './policies/registration-policy';

const hasher = new SecretHasher({ tokenHashKey: 'unit-test-token-hash-key-0123456789abcdef' } as AppConfig, {} as DataSource);
const policies = parseRegistrationPolicies(
  { open_registration_policy: 'default', initial_access_token_policy: 'partners', policies: { default: { trusted: true }, partners: { trusted: true } } },
  ['openid'],
);
const HOUR = 3600_000;

async function setup(overrides: Partial<Client> = {}) {
  const store = new InMemoryClientStore();
  const client: Client = {
    clientId: 'client-1',
    secretHash: await hasher.hash('current-secret'),
    secretExpiresAt: null,
    metadata: {
      redirect_uris: ['https://app.example/cb'],
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['authorization_code'],
      response_types: ['code'],
      application_type: 'web',
      scope: 'openid',
    },
    selfService: 'full',
    issuedAt: new Date(),
    updatedAt: new Date(),
    registrationPolicy: 'partners',
    admittedBy: 'initial_access_token',
    lastUsedAt: null,
    ...overrides,
  };
  store.clients.set(client.clientId, client);
  return { store, lookup: new ClientLookupService(store, hasher, policies) };
}

describe('ClientLookupService over an in-memory ClientStore', () => {
  it('RFC 6749 §2.3.1: the issued secret authenticates the client, and the request counts as a use', async () => {
    const { lookup, store } = await setup();
    expect(await lookup.authenticate('client-1', 'current-secret')).toMatchObject({ clientId: 'client-1', confidential: true });
    expect(store.clients.get('client-1')!.lastUsedAt).toBeInstanceOf(Date);
  });

  it('RFC 6749 §2.3.1: a wrong secret, an unknown client and a public client all answer null', async () => {
    const { lookup, store } = await setup();
    expect(await lookup.authenticate('client-1', 'wrong-secret')).toBeNull();
    expect(await lookup.authenticate('nobody', 'current-secret')).toBeNull();
    store.clients.get('client-1')!.secretHash = null;
    expect(await lookup.authenticate('client-1', 'current-secret')).toBeNull();
    expect(store.clients.get('client-1')!.lastUsedAt).toBeNull();
  });

  it('RFC 7591 §3.2.1 client_secret_expires_at: an expired secret no longer authenticates', async () => {
    const { lookup } = await setup({ secretExpiresAt: new Date(Date.now() - 1000) });
    expect(await lookup.authenticate('client-1', 'current-secret')).toBeNull();
  });

  it('docs/configuration.md CLIENT_SECRET_ROTATION_GRACE_SECONDS: the previous secret works until its grace period ends', async () => {
    const previousSecretHash = await hasher.hash('previous-secret');
    const within = await setup({ previousSecretHash, previousSecretExpiresAt: new Date(Date.now() + HOUR) });
    expect(await within.lookup.authenticate('client-1', 'previous-secret')).not.toBeNull();
    const after = await setup({ previousSecretHash, previousSecretExpiresAt: new Date(Date.now() - 1000) });
    expect(await after.lookup.authenticate('client-1', 'previous-secret')).toBeNull();
  });

  it('docs/operations.md §6: find() reads a client without counting a use', async () => {
    const { lookup, store } = await setup();
    expect(await lookup.find('client-1')).not.toBeNull();
    expect(store.clients.get('client-1')!.lastUsedAt).toBeNull();
  });

  it('RFC 9700 §4.11.2: an anonymous registration is never trusted, whatever its policy says', async () => {
    expect((await (await setup()).lookup.find('client-1'))!.trusted).toBe(true);
    expect((await (await setup({ admittedBy: 'anonymous', registrationPolicy: 'default' })).lookup.find('client-1'))!.trusted).toBe(false);
  });
});
