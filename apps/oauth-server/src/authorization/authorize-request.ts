import type { AppConfig } from '@app/config';
import {
  InvalidRequestError,
  InvalidScopeError,
  OAuthError,
  RequestNotSupportedError,
  RequestUriNotSupportedError,
  UnauthorizedClientError,
  UnsupportedResponseTypeError,
} from '@app/oauth-errors';
import type { RegisteredClient } from '../clients/client-lookup.service';
import { SCOPE_LIST } from '../clients/scope-syntax';
import { isValidS256Challenge } from './pkce';
import { assertKnownResources, requestedResources, resourceScopes } from './resource-indicators';

/** The raw parameters of an authorization request, as parsed from the query or a form body. */
export type RawParams = Record<string, string | string[] | undefined>;

/** Prompt values we honour (OIDC Core §3.1.2.1). */
export type Prompt = 'none' | 'login' | 'consent';

/** A verified authorization request: client and redirect URI checked, every other rule applied. */
export interface AuthorizeRequest {
  client: RegisteredClient;
  /** Where the response goes: the one sent, or the single registered one. */
  redirectUri: string;
  /** Whether redirect_uri was sent; RFC 6749 §4.1.3 then requires it again at the token endpoint. */
  redirectUriSent: boolean;
  state: string | undefined;
  scopes: string[];
  /** RFC 8707 §2.1: the resource indicators requested (distinct, in request order); [] when none. */
  resources: string[];
  codeChallenge: string | undefined;
  nonce: string | undefined;
  prompt: Set<Prompt>;
  maxAge: number | undefined;
}

/**
 * An error of /authorize: `redirectUri` (with the client it belongs to) is set once the redirect
 * target is verified, else a page is shown; AuthorizationService.mayRedirectError decides the rest.
 */
export class AuthorizeError extends Error {
  constructor(
    readonly error: OAuthError,
    readonly redirectUri?: string,
    readonly state?: string,
    readonly client?: RegisteredClient,
  ) {
    super(error.message);
  }
}

// In u-mode a paired surrogate is one code point, so \p{Cs} matches only lone ones.
const NUL_OR_LONE_SURROGATE = /[\0\p{Cs}]/u;

/** Longest value read from any authorization request parameter; longer ones are refused with a page. */
export const MAX_PARAM_LENGTH = 4096;

/**
 * Hostile input never reaches the database, a Location header or a page unchecked: every parameter
 * this endpoint reads must be one string or a list of strings, well-formed UTF-16 (a lone surrogate
 * cannot be percent-encoded), without NUL (PostgreSQL text refuses it) and at most MAX_PARAM_LENGTH
 * long. Refused before the client is known, so always with a page (RFC 6749 §4.1.2.1).
 */
export function assertWellFormedParams(params: RawParams): void {
  for (const name of [...AUTHORIZE_PARAMS, 'resource', 'request', 'request_uri']) {
    const value: unknown = params[name];
    if (value === undefined) continue;
    const values: unknown[] = Array.isArray(value) ? value : [value];
    const bad = values.some((item) => typeof item !== 'string' || item.length > MAX_PARAM_LENGTH || NUL_OR_LONE_SURROGATE.test(item));
    if (bad) throw new AuthorizeError(new InvalidRequestError(`${name}: must be text of at most ${MAX_PARAM_LENGTH} characters`));
  }
}

// Schemes that would run or read something in the browser instead of reaching the client.
const NEVER_REDIRECT_TO = new Set(['javascript:', 'data:', 'vbscript:', 'file:', 'blob:', 'about:', 'filesystem:']);

/**
 * The registered redirect URI as the browser will be sent to it, or undefined when it cannot be:
 * serialized by the WHATWG URL rules (non-ASCII percent-encoded, hosts in punycode), so a Location
 * header built from it is printable ASCII; refused when the URL parser would silently drop
 * characters of it (tab, CR, LF) or when it holds other control characters. Rows registered before
 * registration refused such URIs are still read here (RFC 6749 §3.1.2, RFC 9700 §4.11.2).
 */
export function redirectTarget(uri: string): URL | undefined {
  // C0 controls, DEL, C1 controls, and U+2028/2029 (line breaks to some parsers): refused, not repaired
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(uri)) return undefined;
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return undefined;
  }
  if (NEVER_REDIRECT_TO.has(url.protocol) || !/^[\x21-\x7e]+$/.test(url.href)) return undefined;
  return url;
}

/** What the user is shown as the destination: the host (punycode for IDNs), or the app's scheme. */
export function redirectHost(url: URL): string {
  return url.host !== '' ? url.host : url.protocol.slice(0, -1);
}

/** Parameters that travel from /authorize through login and consent (no others are kept). */
export const AUTHORIZE_PARAMS = [
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
  'nonce',
  'prompt',
  'max_age',
  'response_mode',
] as const;

/** Reads a parameter that may appear at most once (RFC 6749 §3.1: MUST NOT be included more than once). */
function single(params: RawParams, name: string): string | undefined {
  const value = params[name];
  if (Array.isArray(value)) throw new InvalidRequestError(`${name}: must not be repeated (RFC 6749 §3.1)`);
  // RFC 6749 §3.1: parameters sent without a value MUST be treated as if they were omitted
  return value === '' ? undefined : value;
}

/**
 * RFC 6749 §4.1.1, §4.1.2.1: first the client and the redirect URI (errors here never redirect),
 * then everything else (errors redirect to the verified URI).
 */
export function verifyClientAndRedirect(
  params: RawParams,
  client: RegisteredClient | null,
): { client: RegisteredClient; redirectUri: string; redirectUriSent: boolean } {
  const fail = (text: string): never => {
    throw new AuthorizeError(new InvalidRequestError(text));
  };
  let clientId: string | undefined;
  let sentRedirect: string | undefined;
  try {
    clientId = single(params, 'client_id');
    sentRedirect = single(params, 'redirect_uri');
  } catch (error) {
    throw new AuthorizeError(error as OAuthError);
  }
  if (!clientId) return fail('client_id is missing');
  if (!client) return fail('client_id does not name a registered client');
  const registered = client.metadata.redirect_uris;
  let redirectUri: string;
  if (sentRedirect === undefined) {
    // OIDC Core §3.1.2.1 requires redirect_uri; RFC 6749 §3.1.2.3 lets a single registered URI stand in
    if (registered.length !== 1) return fail('redirect_uri is missing and the client does not have exactly one registered');
    redirectUri = registered[0];
  } else {
    // RFC 6749 §3.1.2.3, RFC 9700 §4.1.3: simple string comparison, no normalisation, no patterns;
    // the one exception is the port of a loopback IP redirect (RFC 8252 §7.3, loopbackMatches)
    if (!registered.includes(sentRedirect) && !registered.some((uri) => loopbackMatches(uri, sentRedirect!))) {
      return fail('redirect_uri is not registered for this client');
    }
    redirectUri = sentRedirect;
  }
  // RFC 6749 §4.1.2.1: a registered URI no Location header can carry is refused with a page, never a 500
  if (redirectTarget(redirectUri) === undefined) return fail('the registered redirect_uri cannot be used; the application must register it again');
  return { client, redirectUri, redirectUriSent: sentRedirect !== undefined };
}

// http, an IPv4 loopback literal or [::1], an optional port, then the rest (path and query) verbatim.
const LOOPBACK_IP_REDIRECT = /^http:\/\/(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])(?::([1-9]\d{0,4}))?([/?].*)?$/;

/**
 * RFC 8252 §7.3: for a loopback IP redirect URI the authorization server MUST allow any port at
 * request time, since a native app listens on whatever port the operating system gives it. Everything
 * else — scheme, the IP literal itself, path and query — is still compared as an exact string. The
 * name "localhost" gets no such exception: RFC 8252 §8.3 calls it NOT RECOMMENDED, because it may
 * resolve to something other than the loopback interface (docs/authorization-code-flow.md).
 */
export function loopbackMatches(registered: string, sent: string): boolean {
  const want = LOOPBACK_IP_REDIRECT.exec(registered);
  const got = LOOPBACK_IP_REDIRECT.exec(sent);
  if (!want || !got) return false;
  if (got[2] !== undefined && Number(got[2]) > 65535) return false;
  return want[1] === got[1] && (want[3] ?? '') === (got[3] ?? '');
}

/** RFC 6749 Appendix A.1: client-id = *VSCHAR; anything else names no client and is not looked up. */
export function isClientIdSyntax(value: unknown): value is string {
  return typeof value === 'string' && /^[\x20-\x7e]{1,200}$/.test(value);
}

/** The remaining rules of RFC 6749 §4.1.1, RFC 7636 §4.3 and OIDC Core §3.1.2.1; throws OAuthError. */
export function verifyAuthorizeParams(
  params: RawParams,
  verified: { client: RegisteredClient; redirectUri: string; redirectUriSent: boolean },
  config: Pick<AppConfig, 'authorization'> & Partial<Pick<AppConfig, 'resources' | 'issuer' | 'oauth'>>,
): AuthorizeRequest {
  const { client } = verified;
  // OIDC Core §6: request objects are not supported
  if (params.request !== undefined) throw new RequestNotSupportedError('the request parameter is not supported');
  if (params.request_uri !== undefined) throw new RequestUriNotSupportedError('the request_uri parameter is not supported');
  const responseType = single(params, 'response_type');
  // RFC 6749 §4.1.1: response_type REQUIRED, value MUST be "code"
  if (!responseType) throw new InvalidRequestError('response_type is missing');
  if (responseType !== 'code') throw new UnsupportedResponseTypeError('only response_type=code is supported');
  // RFC 7591 §2: the client registers the response types it will use
  if (!client.metadata.response_types.includes('code') || !client.metadata.grant_types.includes('authorization_code')) {
    throw new UnauthorizedClientError('the client is not registered for the authorization code grant');
  }
  const responseMode = single(params, 'response_mode');
  if (responseMode !== undefined && responseMode !== 'query') throw new InvalidRequestError('only response_mode=query is supported');

  // RFC 8707 §2.1: resource is repeatable; an invalid or (when restricted) unknown one is invalid_target
  const resources = requestedResources(params.resource);
  const resourceConfig = { issuer: config.issuer, resources: config.resources ?? { declared: [], allowUnknown: true } };
  assertKnownResources(resources, resourceConfig);
  // A client may ask for the scopes the requested resources define (docs/scopes.md, "Resource scopes")
  const allowedScope = [client.metadata.scope, ...resourceScopes(resources, resourceConfig)].join(' ');
  const scopes = requestedScopes(withoutUnknownScopes(single(params, 'scope'), config.oauth?.scopesSupported), allowedScope);

  // RFC 7636 §4.3, RFC 9700 §2.1.1: S256 only; required for public clients and, by default, for all
  const codeChallenge = single(params, 'code_challenge');
  const method = single(params, 'code_challenge_method');
  if (codeChallenge === undefined) {
    if (method !== undefined) throw new InvalidRequestError('code_challenge_method without code_challenge');
    if (config.authorization.pkceRequired === 'all' || !client.confidential) {
      throw new InvalidRequestError('code_challenge is required (PKCE with S256, RFC 7636)');
    }
  } else {
    // RFC 7636 §4.3: the method defaults to "plain", which this server refuses (RFC 9700 §2.1.1)
    if (method !== 'S256') throw new InvalidRequestError('code_challenge_method must be S256; plain is not supported');
    if (!isValidS256Challenge(codeChallenge)) throw new InvalidRequestError('code_challenge must be 43 base64url characters (RFC 7636 §4.2)');
  }

  const nonce = single(params, 'nonce');
  if (nonce !== undefined && nonce.length > 512) throw new InvalidRequestError('nonce is too long');
  const state = single(params, 'state');
  if (state !== undefined && state.length > 2048) throw new InvalidRequestError('state is too long');

  const prompt = new Set<Prompt>();
  for (const value of (single(params, 'prompt') ?? '').split(' ').filter(Boolean)) {
    if (value !== 'none' && value !== 'login' && value !== 'consent') {
      throw new InvalidRequestError(`prompt=${value.slice(0, 40)} is not supported; use none, login or consent`);
    }
    prompt.add(value);
  }
  // OIDC Core §3.1.2.1: none MUST NOT be combined with any other value
  if (prompt.has('none') && prompt.size > 1) throw new InvalidRequestError('prompt=none must not be combined with other values');

  const maxAgeText = single(params, 'max_age');
  if (maxAgeText !== undefined && !/^\d{1,9}$/.test(maxAgeText)) throw new InvalidRequestError('max_age must be a non-negative integer');

  return {
    ...verified,
    state,
    scopes,
    resources,
    codeChallenge,
    nonce,
    prompt,
    maxAge: maxAgeText === undefined ? undefined : Number(maxAgeText),
  };
}

/**
 * RFC 6749 §3.3: scope is a space-delimited list; the server may fall back to a default (the
 * client's registered scope) and refuses what the client did not register (invalid_scope).
 */
export function requestedScopes(scope: string | undefined, registered: string): string[] {
  const allowed = registered.split(' ');
  if (scope === undefined) return allowed;
  if (!SCOPE_LIST.test(scope)) {
    throw new InvalidScopeError('scope must be space-separated scope tokens (RFC 6749 §3.3)');
  }
  const requested = [...new Set(scope.split(' '))];
  const extra = requested.filter((value) => !allowed.includes(value));
  if (extra.length > 0) throw new InvalidScopeError(`scope not registered for this client: ${extra.join(' ')}`);
  return requested;
}

/**
 * OIDC Core §3.1.2.1: scope values that are not understood SHOULD be ignored, so values this server
 * does not support (not in OAUTH_SCOPES_SUPPORTED, which includes the declared resources' scopes)
 * are dropped before the request is judged; the token response then reports the scope granted
 * (RFC 6749 §5.1). A request left with no supported value is invalid_scope, never an empty grant.
 * A malformed list is returned as is, for requestedScopes to refuse. Without `supported` (unit
 * tests of other rules) every value counts as known.
 */
export function withoutUnknownScopes(scope: string | undefined, supported: readonly string[] | undefined): string | undefined {
  if (scope === undefined || supported === undefined || !SCOPE_LIST.test(scope)) return scope;
  const known = scope.split(' ').filter((value) => supported.includes(value));
  if (known.length === 0) throw new InvalidScopeError('none of the requested scope values is supported by this server');
  return known.join(' ');
}

/** The request's parameters to carry through login and consent, without empty ones. */
export function carriedParams(params: RawParams): Record<string, string> {
  const carried: Record<string, string> = {};
  for (const name of AUTHORIZE_PARAMS) {
    const value = params[name];
    if (typeof value === 'string' && value !== '') carried[name] = value;
  }
  return carried;
}
