import type { AppConfig } from '@app/config';
import { SecretHasher } from '@app/hashing';
import { InvalidTokenError } from '@app/oauth-errors';
import { Logger, type ExecutionContext } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { InMemoryClientStore } from '../../../../../test/support/fakes/client-stores.fake';
import type { Client } from '../client.entity';
import { ClientManagementRequest, RegistrationTokenGuard } from './registration-token.guard';

const hasher = new SecretHasher({ tokenHashKey: 'unit-test-token-hash-key-0123456789abcdef' } as AppConfig, {} as DataSource);
const HOUR = 3600_000;

function aClient(clientId: string): Client {
  return {
    clientId,
    secretHash: null,
    secretExpiresAt: null,
    metadata: { redirect_uris: [], token_endpoint_auth_method: 'none', grant_types: ['authorization_code'], response_types: ['code'], application_type: 'web', scope: 'openid' },
    selfService: 'full',
    issuedAt: new Date(),
    updatedAt: new Date(),
  };
}

async function setup() {
  const store = new InMemoryClientStore();
  for (const id of ['client-1', 'client-2']) store.clients.set(id, aClient(id));
  const issue = async (clientId: string, value: string, expiresAt = new Date(Date.now() + HOUR)) =>
    store.tokens.tokens.set(await hasher.hash(value), { clientId, tokenHash: await hasher.hash(value), expiresAt, revokedAt: null, createdAt: new Date() });
  await issue('client-1', 'token-of-client-1');
  const guard = new RegistrationTokenGuard(store.tokens, hasher);
  const check = async (clientId: string, authorization?: string) => {
    const request = { headers: { authorization }, params: { clientId } } as unknown as ClientManagementRequest;
    const context = { switchToHttp: () => ({ getRequest: () => request }) } as unknown as ExecutionContext;
    return { allowed: await guard.canActivate(context), request };
  };
  return { store, issue, check };
}

describe('RFC 7592 §2 registration access token (RegistrationTokenGuard over the in-memory token store)', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('RFC 7592 §2: the client’s own live token admits the request and attaches the stored client', async () => {
    const { check } = await setup();
    const { allowed, request } = await check('client-1', 'Bearer token-of-client-1');
    expect(allowed).toBe(true);
    expect(request.registeredClient?.clientId).toBe('client-1');
  });

  it('RFC 6750 §3.1: a request without a token is 401 without an error code', async () => {
    const { check } = await setup();
    await expect(check('client-1')).rejects.toMatchObject({ status: 401, error: undefined, bearerChallenge: {} });
  });

  it('RFC 6750 §3.1: an unknown token is 401 invalid_token', async () => {
    const { check } = await setup();
    await expect(check('client-1', 'Bearer not-a-token')).rejects.toThrow(InvalidTokenError);
  });

  it('RFC 7592 §2.1: a token used for another client is refused and revoked (it SHOULD be)', async () => {
    const { check, store } = await setup();
    await expect(check('client-2', 'Bearer token-of-client-1')).rejects.toThrow(InvalidTokenError);
    // Revoked: now refused for its own client too.
    expect(store.tokens.tokens.get(await hasher.hash('token-of-client-1'))!.revokedAt).toBeInstanceOf(Date);
    await expect(check('client-1', 'Bearer token-of-client-1')).rejects.toThrow(InvalidTokenError);
  });

  it('RFC 7592 §3: an expired token (a rotated one past its grace period) is refused', async () => {
    const { check, issue } = await setup();
    await issue('client-1', 'expired-token', new Date(Date.now() - 1000));
    await expect(check('client-1', 'Bearer expired-token')).rejects.toThrow(/expired/);
  });
});
