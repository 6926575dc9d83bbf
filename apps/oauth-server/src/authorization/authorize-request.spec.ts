import { InvalidRequestError, InvalidScopeError, UnauthorizedClientError, UnsupportedResponseTypeError } from '@app/oauth-errors';
import type { RegisteredClient } from '../clients/client-lookup.service';
import {
  assertWellFormedParams,
  AuthorizeError,
  carriedParams,
  isClientIdSyntax,
  loopbackMatches,
  MAX_PARAM_LENGTH,
  redirectHost,
  redirectTarget,
  requestedScopes,
  withoutUnknownScopes,
  verifyAuthorizeParams,
  verifyClientAndRedirect,
} from './authorize-request';

const client = (overrides: Partial<RegisteredClient['metadata']> = {}, confidential = true): RegisteredClient => ({
  clientId: 'c1',
  confidential,
  trusted: false,
  metadata: {
    redirect_uris: ['https://a.example/cb'],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: confidential ? 'client_secret_basic' : 'none',
    application_type: 'web',
    scope: 'openid profile email',
    ...overrides,
  },
});
const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
const config = (pkceRequired: 'all' | 'public' = 'all') => ({ authorization: { pkceRequired } }) as never;

describe('RFC 6749 §4.1.1 authorization request rules', () => {
  it('RFC 6749 §4.1.2.1: client and redirect URI failures carry no redirect target', () => {
    for (const [params, found] of [
      [{}, client()],
      [{ client_id: 'c1' }, null],
      [{ client_id: 'c1', redirect_uri: 'https://a.example/cb/' }, client()],
      [{ client_id: ['c1', 'c2'] }, client()],
    ] as const) {
      try {
        verifyClientAndRedirect(params as never, found);
        throw new Error('expected a failure');
      } catch (error) {
        expect(error).toBeInstanceOf(AuthorizeError);
        expect((error as AuthorizeError).redirectUri).toBeUndefined();
      }
    }
  });

  it('RFC 6749 §3.1.2.3: the single registered URI stands in for an omitted redirect_uri', () => {
    expect(verifyClientAndRedirect({ client_id: 'c1' }, client())).toMatchObject({ redirectUri: 'https://a.example/cb', redirectUriSent: false });
  });

  const verified = (c = client()) => ({ client: c, redirectUri: 'https://a.example/cb', redirectUriSent: true });
  const base = { response_type: 'code', code_challenge: challenge, code_challenge_method: 'S256' };

  it.each([
    [{ ...base, response_type: 'token' }, UnsupportedResponseTypeError],
    [{ ...base, response_type: undefined }, InvalidRequestError],
    [{ ...base, scope: 'openid admin' }, InvalidScopeError],
    [{ ...base, scope: 'openid  profile' }, InvalidScopeError],
    [{ ...base, code_challenge_method: 'plain' }, InvalidRequestError],
    [{ ...base, code_challenge_method: undefined }, InvalidRequestError],
    [{ ...base, code_challenge: 'short' }, InvalidRequestError],
    [{ response_type: 'code' }, InvalidRequestError],
    [{ ...base, prompt: 'none consent' }, InvalidRequestError],
    [{ ...base, prompt: 'select_account' }, InvalidRequestError],
    [{ ...base, max_age: '-1' }, InvalidRequestError],
    [{ ...base, response_mode: 'fragment' }, InvalidRequestError],
    [{ ...base, state: ['a', 'b'] }, InvalidRequestError],
  ])('refuses %j', (params, errorClass) => {
    expect(() => verifyAuthorizeParams(params as never, verified(), config())).toThrow(errorClass);
  });

  it('RFC 7591 §2: a client not registered for the code flow is unauthorized_client', () => {
    const service = client({ grant_types: ['client_credentials'], response_types: [] });
    expect(() => verifyAuthorizeParams(base, verified(service), config())).toThrow(UnauthorizedClientError);
  });

  it('OAUTH_PKCE_REQUIRED=public: a confidential client may omit PKCE, a public one may not', () => {
    expect(verifyAuthorizeParams({ response_type: 'code' }, verified(), config('public')).codeChallenge).toBeUndefined();
    expect(() => verifyAuthorizeParams({ response_type: 'code' }, verified(client({}, false)), config('public'))).toThrow(/code_challenge/);
  });

  it('RFC 6749 §3.3: omitted scope is the registered scope; duplicates collapse', () => {
    expect(verifyAuthorizeParams(base, verified(), config()).scopes).toEqual(['openid', 'profile', 'email']);
    expect(requestedScopes('openid openid', 'openid email')).toEqual(['openid']);
  });

  it('reads prompt and max_age', () => {
    const request = verifyAuthorizeParams({ ...base, prompt: 'login consent', max_age: '0', nonce: 'n' }, verified(), config());
    expect([...request.prompt]).toEqual(['login', 'consent']);
    expect(request).toMatchObject({ maxAge: 0, nonce: 'n' });
  });

  it('carries only the authorization parameters, without empty ones', () => {
    expect(carriedParams({ ...base, state: '', evil: 'x', csrf_token: 't' })).toEqual(base);
  });
});

describe('hostile authorization request parameters never reach the database or a Location header', () => {
  it.each([
    ['NUL', { client_id: 'a\0b' }],
    ['a lone surrogate', { state: 'x\ud800' }],
    ['an object (a bracketed key)', { response_type: { a: 'x' } }],
    ['a list holding an object', { scope: ['openid', {}] }],
    ['a huge value', { nonce: 'n'.repeat(MAX_PARAM_LENGTH + 1) }],
  ])('%s is refused without a redirect target', (_name, params) => {
    expect(() => assertWellFormedParams(params as never)).toThrow(AuthorizeError);
    try {
      assertWellFormedParams(params as never);
    } catch (error) {
      expect((error as AuthorizeError).redirectUri).toBeUndefined();
      expect((error as AuthorizeError).error).toBeInstanceOf(InvalidRequestError);
    }
  });

  it('well-formed text, emoji and repeated parameters pass (repetition is judged later, RFC 6749 §3.1)', () => {
    expect(() => assertWellFormedParams({ state: 'a b&é😀', scope: ['a', 'b'], unknown: 'x\0' } as never)).not.toThrow();
  });

  it('RFC 6749 Appendix A.1: client_id is VSCHAR only', () => {
    expect(isClientIdSyntax('abc-_~ XYZ')).toBe(true);
    for (const bad of ['', 'é', 'a\u2028', 'a\u0001', 'x'.repeat(201), ['a'], undefined]) expect(isClientIdSyntax(bad)).toBe(false);
  });

  it('RFC 6749 §3.1.2: redirect targets are the WHATWG serialization, printable ASCII', () => {
    expect(redirectTarget('https://app.example/cb\u00e9?q=\u2603')?.href).toBe('https://app.example/cb%C3%A9?q=%E2%98%83');
    expect(redirectHost(redirectTarget('https://b\u00fccher.example:8443/cb')!)).toBe('xn--bcher-kva.example:8443');
    expect(redirectHost(redirectTarget('com.example.app:/callback')!)).toBe('com.example.app');
    for (const bad of ['https://a.example/\tx', 'https://a.example/\nx', 'https://a.example/\u0085', 'https://a.example/\u2028', 'javascript:alert(1)', 'data:text/html,x', 'not a url']) {
      expect(redirectTarget(bad)).toBeUndefined();
    }
  });

  it('RFC 6749 §4.1.2.1: a registered redirect URI no Location can carry is refused with a page', () => {
    const stored = client({ redirect_uris: ['https://a.example/cb\u2029'] });
    expect(() => verifyClientAndRedirect({ client_id: 'c1' }, stored)).toThrow(/cannot be used/);
    try {
      verifyClientAndRedirect({ client_id: 'c1' }, stored);
    } catch (error) {
      expect((error as AuthorizeError).redirectUri).toBeUndefined();
    }
  });
});

describe('RFC 8252 §7.3 Loopback Interface Redirection', () => {
  const native = client({ application_type: 'native', redirect_uris: ['http://127.0.0.1/cb', 'http://[::1]:8400/cb?x=1', 'http://localhost/cb'] });
  const accepted = (redirect_uri: string) => verifyClientAndRedirect({ client_id: 'c1', redirect_uri }, native).redirectUri;
  const refused = (redirect_uri: string) => expect(() => verifyClientAndRedirect({ client_id: 'c1', redirect_uri }, native)).toThrow(AuthorizeError);

  it('RFC 8252 §7.3: any port on the registered loopback IP literal is accepted, and the URI sent is the one used', () => {
    expect(accepted('http://127.0.0.1:51004/cb')).toBe('http://127.0.0.1:51004/cb');
    expect(accepted('http://127.0.0.1:1/cb')).toBe('http://127.0.0.1:1/cb');
    expect(accepted('http://[::1]:65535/cb?x=1')).toBe('http://[::1]:65535/cb?x=1');
    expect(accepted('http://[::1]/cb?x=1')).toBe('http://[::1]/cb?x=1');
  });

  it('RFC 8252 §7.3, RFC 9700 §4.1.3: path, query, scheme and the IP literal still match exactly', () => {
    for (const uri of [
      'http://127.0.0.1:51004/cb/',
      'http://127.0.0.1:51004/CB',
      'http://127.0.0.1:51004/cb?x=1',
      'https://127.0.0.1:51004/cb',
      'http://127.0.0.2:51004/cb',
      'http://[::1]:51004/cb',
      'http://[::1]:51004/cb?x=2',
      'http://127.0.0.1:51004/cb#frag',
      'http://127.0.0.1:65536/cb',
      'http://127.0.0.1:051004/cb',
      'http://127.0.0.1:/cb',
      'http://127.0.0.1.evil.example:80/cb',
      'http://127.0.0.1:80@evil.example/cb',
    ]) {
      refused(uri);
    }
  });

  it('RFC 8252 §8.3: "localhost" is not a loopback IP literal, so its port is compared exactly', () => {
    expect(accepted('http://localhost/cb')).toBe('http://localhost/cb');
    refused('http://localhost:51004/cb');
    expect(loopbackMatches('http://localhost/cb', 'http://localhost:51004/cb')).toBe(false);
  });
});

describe('OIDC Core §3.1.2.1 scope values that are not understood are ignored', () => {
  const verified = { client: client({ scope: 'openid profile email offline_access' }), redirectUri: 'https://a.example/cb', redirectUriSent: true };
  const params = (scope: string) => ({ response_type: 'code', code_challenge: challenge, code_challenge_method: 'S256', scope });
  const withScopes = { authorization: { pkceRequired: 'all' }, oauth: { scopesSupported: ['openid', 'profile', 'email', 'offline_access'] } } as never;

  it('OIDC Core §3.1.2.1: unsupported values are dropped; the supported ones are judged against the registration', () => {
    expect(verifyAuthorizeParams(params('openid mcp:tools offline_access'), verified, withScopes).scopes).toEqual(['openid', 'offline_access']);
    expect(withoutUnknownScopes('x openid y', ['openid'])).toBe('openid');
  });

  it('RFC 6749 §3.3: a supported value the client did not register is still invalid_scope', () => {
    const narrow = { ...verified, client: client({ scope: 'openid' }) };
    expect(() => verifyAuthorizeParams(params('openid email'), narrow, withScopes)).toThrow(InvalidScopeError);
  });

  it('RFC 6749 §3.3: nothing supported left is invalid_scope, never an empty grant', () => {
    expect(() => verifyAuthorizeParams(params('mcp:tools other'), verified, withScopes)).toThrow(InvalidScopeError);
  });
});
