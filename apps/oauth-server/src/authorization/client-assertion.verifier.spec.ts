import type { AppConfig } from '@app/config';
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, JWK, SignJWT } from 'jose';
import type { RegisteredClient } from '../clients/client-lookup.service';
import type { SafeFetcher } from '../fetch/safe-fetcher';
import type { ClientAssertionJtisRepository } from './client-assertion-jtis.repository';
import { ClientAssertionVerifier } from './client-assertion.verifier';

const ISSUER = 'https://as.example';
const CLIENT_ID = 'client-1';

async function aKey(kid: string) {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'ES256' };
  const sign = () =>
    new SignJWT({ jti: randomUUID() })
      .setProtectedHeader({ alg: 'ES256', kid })
      .setIssuer(CLIENT_ID)
      .setSubject(CLIENT_ID)
      .setAudience(ISSUER)
      .setIssuedAt()
      .setExpirationTime('60s')
      .sign(privateKey);
  return { jwk, sign };
}

describe('ClientAssertionVerifier with jwks_uri (RFC 7523 §3 item 8)', () => {
  const client: RegisteredClient = {
    clientId: CLIENT_ID,
    confidential: true,
    trusted: false,
    metadata: {
      redirect_uris: [],
      token_endpoint_auth_method: 'private_key_jwt',
      grant_types: ['client_credentials'],
      response_types: [],
      application_type: 'web',
      scope: 'openid',
      jwks_uri: 'https://keys.example/jwks.json',
    },
  };
  const jtis = { claim: async () => true } as unknown as ClientAssertionJtisRepository;

  it('RFC 7523 §3 item 8: a kid missing from the cached key set makes it fetch the set once more (key rotation)', async () => {
    const [oldKey, newKey] = [await aKey('old'), await aKey('new')];
    const fetchJson = jest.fn(async (_url: string, options?: { refresh?: boolean }) => ({ keys: [options?.refresh ? newKey.jwk : oldKey.jwk] }));
    const verifier = new ClientAssertionVerifier({ issuer: ISSUER } as AppConfig, { fetchJson } as unknown as SafeFetcher, jtis);
    await expect(verifier.verify(client, await newKey.sign())).resolves.toBeUndefined();
    expect(fetchJson.mock.calls.map((call) => call[1])).toEqual([{ refresh: false }, { refresh: true }]);
  });

  it('RFC 7523 §3 item 8: a kid still unknown after the refetch is invalid_client, with no third fetch', async () => {
    const [known, stranger] = [await aKey('known'), await aKey('stranger')];
    const fetchJson = jest.fn(async () => ({ keys: [known.jwk] }));
    const verifier = new ClientAssertionVerifier({ issuer: ISSUER } as AppConfig, { fetchJson } as unknown as SafeFetcher, jtis);
    await expect(verifier.verify(client, await stranger.sign())).rejects.toMatchObject({ error: 'invalid_client' });
    expect(fetchJson).toHaveBeenCalledTimes(2);
  });

  it('RFC 7517 §5: a jwks_uri document that is not a JWK Set is invalid_client', async () => {
    const key = await aKey('k');
    const verifier = new ClientAssertionVerifier({ issuer: ISSUER } as AppConfig, { fetchJson: async () => ['not', 'a', 'set'] } as unknown as SafeFetcher, jtis);
    await expect(verifier.verify(client, await key.sign())).rejects.toMatchObject({ error: 'invalid_client', description: expect.stringMatching(/JWK Set/) });
  });
});
