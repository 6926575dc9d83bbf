import { Logger } from '@nestjs/common';
import { InMemoryConsentStore } from '../../../../test/support/fakes/consent-store.fake';
import { ConsentService } from './consent.service';

const USER = 'user-1';
const CLIENT = 'client-1';
const API = 'https://api.example/';
const OTHER_API = 'https://other.example/';

function setup() {
  const store = new InMemoryConsentStore();
  return { store, consent: new ConsentService(store) };
}

describe('ConsentService over an in-memory ConsentStore (RFC 6749 §4.1.1 consent, remembered)', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('RFC 6749 §3.3: a remembered grant covers a request only when it holds every requested scope', async () => {
    const { consent } = setup();
    const id = await consent.grant(USER, CLIENT, ['openid', 'profile']);
    expect(await consent.coveringGrant(USER, CLIENT, ['openid'])).toBe(id);
    expect(await consent.coveringGrant(USER, CLIENT, ['openid', 'profile'])).toBe(id);
    expect(await consent.coveringGrant(USER, CLIENT, ['openid', 'email'])).toBeNull();
  });

  it('a grant belongs to one user and one client', async () => {
    const { consent } = setup();
    await consent.grant(USER, CLIENT, ['openid']);
    expect(await consent.coveringGrant('user-2', CLIENT, ['openid'])).toBeNull();
    expect(await consent.coveringGrant(USER, 'client-2', ['openid'])).toBeNull();
    expect(await consent.hasGrant(USER, CLIENT)).toBe(true);
    expect(await consent.hasGrant(USER, 'client-2')).toBe(false);
  });

  it('a later consent adds to the scopes granted before, keeping the grant', async () => {
    const { consent, store } = setup();
    const first = await consent.grant(USER, CLIENT, ['openid']);
    const second = await consent.grant(USER, CLIENT, ['email']);
    expect(second).toBe(first);
    expect((await store.find(USER, CLIENT))!.scope.split(' ').sort()).toEqual(['email', 'openid']);
    expect(await consent.coveringGrant(USER, CLIENT, ['openid', 'email'])).toBe(first);
  });

  it('RFC 8707: consent is per client and resource — a grant for another resource or the default audience does not count', async () => {
    const { consent } = setup();
    await consent.grant(USER, CLIENT, ['read']);
    const id = await consent.grant(USER, CLIENT, ['read'], [API]);
    expect(await consent.coveringGrant(USER, CLIENT, ['read'], [API])).toBe(id);
    expect(await consent.coveringGrant(USER, CLIENT, ['read'], [OTHER_API])).toBeNull();
    expect(await consent.coveringGrant(USER, CLIENT, ['read'], [API, OTHER_API])).toBeNull();
    expect(await consent.coveringGrant(USER, CLIENT, ['read', 'write'], [API])).toBeNull();
  });

  it('RFC 8707: consent for a resource leaves the default audience scopes as they were', async () => {
    const { consent, store } = setup();
    await consent.grant(USER, CLIENT, ['openid']);
    await consent.grant(USER, CLIENT, ['write'], [API]);
    const grant = (await store.find(USER, CLIENT))!;
    expect(grant.scope).toBe('openid');
    expect(grant.resourceScopes).toEqual({ [API]: 'write' });
  });

  it('the account page lists each scope once, across the default audience and the resources', async () => {
    const { consent } = setup();
    await consent.grant(USER, CLIENT, ['openid', 'read']);
    await consent.grant(USER, CLIENT, ['read', 'write'], [API]);
    const [app] = await consent.list(USER);
    expect(app.clientId).toBe(CLIENT);
    expect(app.scopes.sort()).toEqual(['openid', 'read', 'write']);
  });

  it('docs/authorization-code-flow.md: revoking the app on the account page withdraws the consent; it no longer covers anything', async () => {
    const { consent } = setup();
    await consent.grant(USER, CLIENT, ['openid']);
    expect(await consent.revoke(USER, CLIENT)).toBe(true);
    expect(await consent.coveringGrant(USER, CLIENT, ['openid'])).toBeNull();
    expect(await consent.revoke(USER, CLIENT)).toBe(false);
  });
});
