import type { AppConfig } from '@app/config';
import { SecretHasher } from '@app/hashing';
import {
  InsufficientScopeError,
  InvalidRequestError,
  InvalidSoftwareStatementError,
  InvalidTokenError,
  RegistrationQuotaExceededError,
} from '@app/oauth-errors';
import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { FakeAuditTrail, InMemoryClientStore } from '../../../../test/support/fakes/client-stores.fake';
import type { Client } from './client.entity';
import { ClientsService, StatementVerifier } from './clients.service';
import type { RegisterClientDto } from './dto/register-client.dto';
import type { UpdateClientDto } from './dto/update-client.dto';
import { parseRegistrationPolicies } from './policies/registration-policy';

const SCOPES = ['openid', 'profile', 'email'];
const REDIRECT = 'https://app.example/cb';
const policies = parseRegistrationPolicies(
  { open_registration_policy: 'default', initial_access_token_policy: 'signed', policies: { default: {}, signed: { require_software_statement: true } }, software_statements: { issuers: ['https://issuer.example'], jwks_uri: 'https://issuer.example/jwks' } },
  SCOPES,
);
const noStatements: StatementVerifier = { verify: () => Promise.reject(new Error('no statement expected')) };

function setup(tokenRotation: AppConfig['registration']['tokenRotation'] = 'never') {
  const config = {
    issuer: 'https://as.example',
    tokenHashKey: 'unit-test-token-hash-key-0123456789abcdef',
    oauth: { scopesSupported: SCOPES },
    registration: {
      maxRedirectUris: 5,
      maxContacts: 5,
      tokenRotation,
      tokenGraceSeconds: 300,
      tokenTtlSeconds: 3600,
      clientSecretTtlSeconds: 0,
      secretRotationGraceSeconds: 600,
    },
  } as unknown as AppConfig;
  const store = new InMemoryClientStore();
  const hasher = new SecretHasher(config, {} as DataSource);
  const audit = new FakeAuditTrail();
  const service = new ClientsService(config, store, store, store.tokens, hasher, audit, policies, noStatements);
  return { service, store, hasher, audit };
}

async function registered(service: ClientsService, body: Partial<RegisterClientDto> = {}) {
  const response = await service.register({ redirect_uris: [REDIRECT], client_name: 'Example', ...body } as RegisterClientDto);
  return response;
}

async function stored(store: InMemoryClientStore, clientId: string): Promise<Client> {
  return (await store.findById(clientId))!;
}

describe('ClientsService over in-memory stores', () => {
  beforeAll(() => Logger.overrideLogger(false));
  describe('RFC 7591 §3.1–3.2 Client Registration', () => {
    it('RFC 7591 §3.2.1: a confidential client gets its secret once; only its keyed hash is stored, with the audit record', async () => {
      const { service, store, hasher } = setup();
      const response = await registered(service);
      const client = await stored(store, response.client_id);
      expect(response.client_secret).toEqual(expect.any(String));
      expect(client.secretHash).not.toBe(response.client_secret);
      expect(await hasher.matches(response.client_secret!, client.secretHash!)).toBe(true);
      // RFC 7591 §3.2.1: client_secret_expires_at is REQUIRED with a secret (0 = never)
      expect(response.client_secret_expires_at).toBe(0);
      expect(store.audit.map((event) => event.event)).toEqual(['client.registered']);
    });

    it('RFC 7592 §1.1: the registration access token is returned, and stored only as its hash', async () => {
      const { service, store, hasher } = setup();
      const response = await registered(service);
      const [token] = store.tokens.of(response.client_id);
      expect(token.tokenHash).toBe(await hasher.hash(response.registration_access_token!));
      expect(token.tokenHash).not.toBe(response.registration_access_token);
    });

    it('RFC 7591 §2: a public client (token_endpoint_auth_method none) gets no secret', async () => {
      const { service, store } = setup();
      const response = await registered(service, { token_endpoint_auth_method: 'none' });
      expect(response).not.toHaveProperty('client_secret');
      expect(response).not.toHaveProperty('client_secret_expires_at');
      expect((await stored(store, response.client_id)).secretHash).toBeNull();
    });

    it('RFC 7591 §2.3: a policy that requires a software statement refuses a registration without one, storing nothing', async () => {
      const { service, store } = setup();
      await expect(
        service.register({ redirect_uris: [REDIRECT] } as RegisterClientDto, { initialAccessToken: { id: null, policy: 'signed' }, sourceAddress: null }),
      ).rejects.toThrow(InvalidSoftwareStatementError);
      expect(store.clients.size).toBe(0);
    });

    it('docs/registration-policies.md (quotas): a refused admission is 403 naming the rule', async () => {
      const { service, store, audit } = setup();
      store.refuseCreate = 'source_address';
      await expect(registered(service)).rejects.toThrow(new RegistrationQuotaExceededError(
        'too many registrations from this address today (registration policy "default", rule quotas.per_source_address_per_day)',
      ));
      expect(audit.committedEvents).toEqual([]);
    });
  });

  describe('RFC 7592 §2.1 Client Read Request', () => {
    it('REGISTRATION_TOKEN_ROTATION=on-every-use: a read returns a new token; the old one runs out after the grace period', async () => {
      const { service, store, hasher } = setup('on-every-use');
      const reg = await registered(service);
      const read = await service.read(await stored(store, reg.client_id));
      expect(read.registration_access_token).toEqual(expect.any(String));
      expect(read.registration_access_token).not.toBe(reg.registration_access_token);
      const old = store.tokens.tokens.get(await hasher.hash(reg.registration_access_token!))!;
      expect(old.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 300_000);
      expect(store.tokens.tokens.has(await hasher.hash(read.registration_access_token!))).toBe(true);
    });

    it('RFC 7592 §2.1: a read that loses the race with a delete is 401 invalid_token', async () => {
      const { service, store } = setup('on-every-use');
      const reg = await registered(service);
      const client = await stored(store, reg.client_id);
      await store.delete(reg.client_id);
      await expect(service.read(client)).rejects.toThrow(InvalidTokenError);
    });

    it('RFC 7592 §2: a client whose self-service the operator disabled cannot read: 403', async () => {
      const { service, store } = setup();
      const reg = await registered(service);
      await store.setSelfService(reg.client_id, 'none');
      await expect(service.read(await stored(store, reg.client_id))).rejects.toThrow(InsufficientScopeError);
    });
  });

  describe('RFC 7592 §2.2 Client Update Request', () => {
    const updateOf = (reg: { client_id: string; client_secret?: string }, body: Partial<UpdateClientDto> = {}) =>
      ({ client_id: reg.client_id, client_secret: reg.client_secret, redirect_uris: [REDIRECT], ...body }) as UpdateClientDto;

    it('RFC 7592 §2.2: replaces the metadata in one optimistic write, with its audit record', async () => {
      const { service, store, audit } = setup();
      const reg = await registered(service);
      const response = await service.update(await stored(store, reg.client_id), updateOf(reg, { client_name: 'Renamed' }));
      expect(response.client_name).toBe('Renamed');
      expect((await stored(store, reg.client_id)).metadata.client_name).toBe('Renamed');
      expect(store.calls).toEqual(['create', 'updateIfUnchanged']);
      expect(store.audit.map((event) => event.event)).toEqual(['client.registered', 'client.updated']);
      expect(audit.committedEvents.at(-1)?.event).toBe('client.updated');
    });

    it('RFC 7592 §2: locked by the operator between the read and the write → decided again on the locked row: 403, nothing stored', async () => {
      const { service, store } = setup();
      const reg = await registered(service);
      const seen = await stored(store, reg.client_id);
      store.beforeConditionalWrite = (clientId) => void store.setSelfService(clientId, 'read-only');
      await expect(service.update(seen, updateOf(reg, { client_name: 'After the lock' }))).rejects.toThrow(InsufficientScopeError);
      expect((await stored(store, reg.client_id)).metadata.client_name).toBe('Example');
      expect(store.audit.map((event) => event.event)).toEqual(['client.registered']);
    });

    it('RFC 7592 §2.2: changed meanwhile but still allowed → stored by the locked fallback', async () => {
      const { service, store } = setup();
      const reg = await registered(service);
      const seen = await stored(store, reg.client_id);
      store.beforeConditionalWrite = (clientId) => void store.setIntrospectionAllowed(clientId, true);
      const response = await service.update(seen, updateOf(reg, { client_name: 'Second try' }));
      expect(response.client_name).toBe('Second try');
      expect(store.calls).toEqual(['create', 'updateIfUnchanged', 'updateLocked']);
    });

    it('REGISTRATION_TOKEN_ROTATION=on-update: the update returns a new token, stored in the locked transaction', async () => {
      const { service, store, hasher } = setup('on-update');
      const reg = await registered(service);
      const response = await service.update(await stored(store, reg.client_id), updateOf(reg));
      expect(response.registration_access_token).toEqual(expect.any(String));
      expect(store.tokens.tokens.has(await hasher.hash(response.registration_access_token!))).toBe(true);
      expect(store.calls).toEqual(['create', 'updateLocked']);
    });

    it('RFC 7592 §2.2: a wrong client_secret is invalid_request and changes nothing', async () => {
      const { service, store } = setup();
      const reg = await registered(service);
      await expect(service.update(await stored(store, reg.client_id), updateOf(reg, { client_secret: 'not-the-secret', client_name: 'X' }))).rejects.toThrow(
        InvalidRequestError,
      );
      expect((await stored(store, reg.client_id)).metadata.client_name).toBe('Example');
    });

    it('RFC 7592 §2.2: a client deleted before the write gets 401 invalid_token', async () => {
      const { service, store } = setup();
      const reg = await registered(service);
      const seen = await stored(store, reg.client_id);
      await store.delete(reg.client_id);
      await expect(service.update(seen, updateOf(reg))).rejects.toThrow(InvalidTokenError);
    });
  });

  describe('RFC 7592 §2.3 Client Delete Request', () => {
    it('RFC 7592 §2.3: deletes the client and its tokens, with the audit record', async () => {
      const { service, store } = setup();
      const reg = await registered(service);
      await service.delete(await stored(store, reg.client_id));
      expect(store.clients.has(reg.client_id)).toBe(false);
      expect(store.tokens.of(reg.client_id)).toEqual([]);
      expect(store.audit.map((event) => event.event)).toEqual(['client.registered', 'client.deleted']);
    });

    it('RFC 7592 §2.3: a client already gone gets 401 invalid_token', async () => {
      const { service, store } = setup();
      const reg = await registered(service);
      const client = await stored(store, reg.client_id);
      await store.delete(reg.client_id);
      await expect(service.delete(client)).rejects.toThrow(InvalidTokenError);
    });

    it('RFC 7592 §2: a read-only client cannot delete itself: 403', async () => {
      const { service, store } = setup();
      const reg = await registered(service);
      await store.setSelfService(reg.client_id, 'read-only');
      await expect(service.delete(await stored(store, reg.client_id))).rejects.toThrow(InsufficientScopeError);
      expect(store.clients.has(reg.client_id)).toBe(true);
    });
  });
});
