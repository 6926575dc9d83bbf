// String.prototype.isWellFormed (ES2024, Node 20+); tsconfig's lib is ES2023.
/// <reference lib="es2024.string" />
import { InvalidClientMetadataError, InvalidRedirectUriError } from '@app/oauth-errors';
import { SCOPE_LIST } from './scope-syntax';

export const GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials'] as const;
export const RESPONSE_TYPES = ['code'] as const;
export const TOKEN_ENDPOINT_AUTH_METHODS = ['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt'] as const;
export const APPLICATION_TYPES = ['web', 'native'] as const;

export type GrantType = (typeof GRANT_TYPES)[number];
export type TokenEndpointAuthMethod = (typeof TOKEN_ENDPOINT_AUTH_METHODS)[number];
export type ApplicationType = (typeof APPLICATION_TYPES)[number];

/** The registered metadata of a client, in RFC 7591 §2 spelling, with every default filled in. */
export interface ClientMetadata {
  redirect_uris: string[];
  token_endpoint_auth_method: TokenEndpointAuthMethod;
  grant_types: GrantType[];
  response_types: string[];
  application_type: ApplicationType;
  scope: string;
  client_name?: string;
  client_uri?: string;
  logo_uri?: string;
  contacts?: string[];
  tos_uri?: string;
  policy_uri?: string;
  jwks_uri?: string;
  jwks?: { keys: Jwk[] };
  software_id?: string;
  software_version?: string;
  /** RFC 7591 §2.3: the verified statement, kept as received so responses return it unmodified. */
  software_statement?: string;
}

/** RFC 7517 §4: one JSON Web Key; registered keys are flat (string or string-array members only). */
export type Jwk = Record<string, string | string[]>;

/** What a client may send: every RFC 7591 §2 member, each optional, not yet checked against the rules. */
export type RequestedMetadata = {
  [K in Exclude<keyof ClientMetadata, 'token_endpoint_auth_method' | 'grant_types' | 'application_type'>]?: ClientMetadata[K] | null;
} & {
  grant_types?: string[] | null;
  token_endpoint_auth_method?: string | null;
  application_type?: string | null;
};

export interface MetadataPolicy {
  scopesSupported: readonly string[];
  maxRedirectUris: number;
  maxContacts: number;
}

const DESCRIPTIVE_FIELDS = [
  'client_name',
  'client_uri',
  'logo_uri',
  'contacts',
  'tos_uri',
  'policy_uri',
  'jwks_uri',
  'jwks',
  'software_id',
  'software_version',
] as const;

/**
 * RFC 7591 §2 defaults. Also used by RFC 7592 §2.2, where omitted fields are treated as null and
 * so fall back to these defaults again.
 */
export function withRegistrationDefaults(requested: RequestedMetadata, policy: MetadataPolicy): ClientMetadata {
  // RFC 7591 §2: grant_types defaults to ["authorization_code"]
  const grantTypes = (requested.grant_types ?? ['authorization_code']) as GrantType[];
  const metadata: ClientMetadata = {
    redirect_uris: requested.redirect_uris ?? [],
    // RFC 7591 §2: token_endpoint_auth_method defaults to client_secret_basic
    token_endpoint_auth_method: (requested.token_endpoint_auth_method ??
      'client_secret_basic') as TokenEndpointAuthMethod,
    grant_types: grantTypes,
    // RFC 7591 §2: response_types defaults to ["code"]; a client without the code grant gets none,
    // since §2.1 would make ["code"] inconsistent with its grant types.
    response_types: requested.response_types ?? (grantTypes.includes('authorization_code') ? ['code'] : []),
    // OpenID Connect Registration §2: application_type defaults to web
    application_type: (requested.application_type ?? 'web') as ApplicationType,
    // RFC 7591 §2: if scope is omitted the server MAY register a default set; ours is every supported scope
    scope: requested.scope ?? policy.scopesSupported.join(' '),
  };
  for (const field of DESCRIPTIVE_FIELDS) {
    const value = requested[field];
    if (value !== undefined && value !== null) Object.assign(metadata, { [field]: value });
  }
  // Canonically equivalent names look the same; store one form (Unicode UAX #15, NFC), so the
  // consent page, logs and any later comparison see the same code points.
  if (typeof metadata.client_name === 'string') metadata.client_name = metadata.client_name.normalize('NFC');
  // RFC 7517 §5: members of a JWK Set other than "keys" are ignored, so they are not stored either.
  const jwks = metadata.jwks as { keys?: unknown } | undefined;
  if (jwks !== undefined && jwks !== null && typeof jwks === 'object' && Array.isArray(jwks.keys)) {
    metadata.jwks = { keys: jwks.keys as Jwk[] };
  }
  return metadata;
}

/** Throws InvalidClientMetadataError or InvalidRedirectUriError naming the first rule broken. */
export function assertValidClientMetadata(metadata: ClientMetadata, policy: MetadataPolicy): void {
  if (metadata.redirect_uris.length > policy.maxRedirectUris) {
    throw new InvalidRedirectUriError(`redirect_uris: at most ${policy.maxRedirectUris} are allowed`);
  }
  // RFC 7591 §3.2.2: a redirect URI that is not one (NUL, U+2028, non-ASCII) is invalid_redirect_uri,
  // so these run before the rules for every string.
  for (const uri of metadata.redirect_uris) assertValidRedirectUri(uri, metadata.application_type);
  assertStorableStrings(metadata, '');
  for (const field of HUMAN_READABLE_FIELDS) {
    const value = metadata[field];
    for (const text of Array.isArray(value) ? value : value === undefined ? [] : [value]) assertDisplayableText(field, text);
  }
  assertGrantAndResponseTypes(metadata);
  // RFC 7591 §2: redirect_uris is required for redirect-based flows
  if (metadata.grant_types.includes('authorization_code') && metadata.redirect_uris.length === 0) {
    throw new InvalidRedirectUriError('redirect_uris: at least one is required for the authorization_code grant');
  }
  if (new Set(metadata.redirect_uris).size !== metadata.redirect_uris.length) {
    throw new InvalidRedirectUriError('redirect_uris: contains the same URI twice');
  }
  assertSupportedScope(metadata.scope, policy.scopesSupported);
  if ((metadata.contacts?.length ?? 0) > policy.maxContacts) {
    throw new InvalidClientMetadataError(`contacts: at most ${policy.maxContacts} are allowed`);
  }
  // RFC 7591 §2: jwks_uri and jwks MUST NOT both be present
  if (metadata.jwks_uri !== undefined && metadata.jwks !== undefined) {
    throw new InvalidClientMetadataError('jwks_uri and jwks must not both be present');
  }
  if (metadata.jwks !== undefined) assertPublicJwkSet(metadata.jwks);
  // RFC 7523 §2.2, OIDC Core §9: private_key_jwt is verified with the keys the client registered
  if (metadata.token_endpoint_auth_method === 'private_key_jwt' && metadata.jwks === undefined && metadata.jwks_uri === undefined) {
    throw new InvalidClientMetadataError('token_endpoint_auth_method: private_key_jwt requires jwks or jwks_uri (RFC 7591 §2)');
  }
  for (const field of ['client_uri', 'logo_uri', 'tos_uri', 'policy_uri'] as const) {
    const value = metadata[field];
    if (value !== undefined) assertWebUrl(field, value, ['https:', 'http:']);
  }
  if (metadata.jwks_uri !== undefined) assertWebUrl('jwks_uri', metadata.jwks_uri, ['https:']);
}

function assertGrantAndResponseTypes(metadata: ClientMetadata): void {
  for (const grant of metadata.grant_types as string[]) {
    if (grant === 'implicit' || grant === 'password') {
      // RFC 9700 §2.1.2 and §2.4: the implicit and password grants MUST NOT / SHOULD NOT be used
      throw new InvalidClientMetadataError(`grant_types: "${grant}" is not allowed by this server (RFC 9700)`);
    }
    if (!(GRANT_TYPES as readonly string[]).includes(grant)) {
      throw new InvalidClientMetadataError(`grant_types: "${grant}" is not supported; use ${GRANT_TYPES.join(', ')}`);
    }
  }
  for (const type of metadata.response_types) {
    if (!(RESPONSE_TYPES as readonly string[]).includes(type)) {
      throw new InvalidClientMetadataError(`response_types: "${type}" is not supported; use code`);
    }
  }
  if (!(TOKEN_ENDPOINT_AUTH_METHODS as readonly string[]).includes(metadata.token_endpoint_auth_method)) {
    throw new InvalidClientMetadataError(
      `token_endpoint_auth_method: "${metadata.token_endpoint_auth_method}" is not supported; use ${TOKEN_ENDPOINT_AUTH_METHODS.join(', ')}`,
    );
  }
  if (!(APPLICATION_TYPES as readonly string[]).includes(metadata.application_type)) {
    throw new InvalidClientMetadataError('application_type: must be "web" or "native"');
  }
  const hasCodeGrant = metadata.grant_types.includes('authorization_code');
  const hasCodeResponse = metadata.response_types.includes('code');
  // RFC 7591 §2.1: grant_types and response_types must be consistent (code ⇔ authorization_code)
  if (hasCodeGrant !== hasCodeResponse) {
    throw new InvalidClientMetadataError(
      'grant_types and response_types are inconsistent: "authorization_code" and "code" go together (RFC 7591 §2.1)',
    );
  }
  if (metadata.grant_types.includes('refresh_token') && !hasCodeGrant) {
    // RFC 6749 §4.4.3: client_credentials issues no refresh token, so refresh_token needs the code grant
    throw new InvalidClientMetadataError('grant_types: "refresh_token" requires "authorization_code"');
  }
  if (metadata.grant_types.includes('client_credentials') && metadata.token_endpoint_auth_method === 'none') {
    // RFC 6749 §4.4: the client credentials grant MUST only be used by confidential clients
    throw new InvalidClientMetadataError('grant_types: "client_credentials" requires a confidential client');
  }
  if (metadata.grant_types.length === 0) {
    throw new InvalidClientMetadataError('grant_types: at least one grant type is required');
  }
}

// Anything but visible ASCII: controls, space, DEL and every non-ASCII code point.
const NOT_URI_CHARACTER = /[^\x21-\x7e]/;

const FORBIDDEN_SCHEMES = new Set(['javascript:', 'data:', 'file:', 'vbscript:', 'blob:', 'about:', 'filesystem:']);
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** RFC 6749 §3.1.2, RFC 8252 §7, RFC 9700 §4.1: one registered redirect URI. */
export function assertValidRedirectUri(uri: string, applicationType: ApplicationType): void {
  const reject = (reason: string): never => {
    throw new InvalidRedirectUriError(`redirect_uris: "${truncate(uri)}" ${reason}`);
  };
  // The URL parser silently drops tabs, newlines and edge spaces ("java\tscript:"); refuse them outright.
  // RFC 3986 §2: a URI is ASCII. An IRI (U+2028, an IDN host, a raw "é") would be stored as sent but
  // could never be put in a Location header (RFC 9110 §10.2.2), so it is refused, not converted:
  // redirect URIs are compared as exact strings (RFC 9700 §4.1.3), a rewritten one would never match.
  if (NOT_URI_CHARACTER.test(uri)) {
    reject('must be ASCII without whitespace or control characters: percent-encode the path, use the xn-- form of the host (RFC 3986 §2)');
  }
  // RFC 6749 §3.1.2: the endpoint URI MUST NOT include a fragment component
  if (uri.includes('#')) reject('must not contain a fragment (RFC 6749 §3.1.2)');
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return reject('is not an absolute URI (RFC 6749 §3.1.2)');
  }
  if (FORBIDDEN_SCHEMES.has(url.protocol)) reject(`uses the forbidden scheme "${url.protocol}"`);
  if (url.username || url.password) reject('must not contain user credentials');
  // RFC 9700 §4.1.3: redirect URIs are compared exactly, so wildcards have no meaning
  if (url.hostname.includes('*')) reject('must not contain wildcards (RFC 9700 §4.1.3)');
  const loopback = LOOPBACK_HOSTS.has(url.hostname) || /^127(\.\d{1,3}){3}$/.test(url.hostname);

  if (url.protocol === 'https:') {
    if (!url.hostname) reject('has no host');
    return;
  }
  if (url.protocol === 'http:') {
    // RFC 9700 §2.6 / RFC 8252 §7.3: plain http only towards the loopback interface
    if (!loopback) reject('must use https unless the host is loopback (RFC 9700 §2.6)');
    return;
  }
  if (applicationType === 'web') reject('must use https (web clients), or http on a loopback host');
  // RFC 8252 §7.1: private-use schemes are reverse domain names, so they contain a period
  if (!url.protocol.slice(0, -1).includes('.')) {
    reject('private-use schemes must be a reverse domain name such as com.example.app (RFC 8252 §7.1)');
  }
}

/**
 * RFC 7591 §3.2.1: the server MAY replace requested values, and the response returns the registered
 * ones. Scope values this server does not support (`mcp:tools` before the operator declared it) are
 * dropped rather than refused; if none remain, scope counts as omitted (the default set, RFC 7591 §2).
 * Runs before a registration policy's own rule, which still refuses a supported value it does not
 * allow (docs/scopes.md). A malformed list is kept, for assertSupportedScope to refuse.
 */
export function withoutUnknownScopes(requested: RequestedMetadata, supported: readonly string[]): RequestedMetadata {
  const scope = requested.scope;
  if (typeof scope !== 'string' || !SCOPE_LIST.test(scope)) return requested;
  const known = [...new Set(scope.split(' '))].filter((value) => supported.includes(value));
  return { ...requested, scope: known.length > 0 ? known.join(' ') : undefined };
}

function assertSupportedScope(scope: string, supported: readonly string[]): void {
  // RFC 6749 §3.3: scope is a space-delimited list of case-sensitive tokens
  if (!SCOPE_LIST.test(scope)) {
    throw new InvalidClientMetadataError('scope: must be space-separated scope tokens (RFC 6749 §3.3)');
  }
  const unknown = scope.split(' ').filter((value) => !supported.includes(value));
  if (unknown.length > 0) {
    throw new InvalidClientMetadataError(
      `scope: ${unknown.map((value) => `"${truncate(value)}"`).join(', ')} not supported; supported: ${supported.join(' ')}`,
    );
  }
}

function assertWebUrl(field: string, value: string, schemes: string[]): void {
  // RFC 3986 §2: as for redirect URIs, only the ASCII form is a URI; refused, never rewritten.
  if (NOT_URI_CHARACTER.test(value)) {
    throw new InvalidClientMetadataError(
      `${field}: must be ASCII without whitespace or control characters: percent-encode the path, use the xn-- form of the host (RFC 3986 §2)`,
    );
  }
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || !schemes.includes(url.protocol)) {
    throw new InvalidClientMetadataError(`${field}: must be an absolute ${schemes.join(' or ').replace(/:/g, '')} URL`);
  }
}

function truncate(value: string): string {
  return value.length > 80 ? `${value.slice(0, 77)}...` : value;
}

/** RFC 7591 §2 text meant for people (shown on the consent page, in logs, in the operator's CLI). */
const HUMAN_READABLE_FIELDS = ['client_name', 'contacts', 'software_id', 'software_version'] as const;

// Cc controls (newlines, escape sequences), Cf format characters (U+202E and the other bidi controls,
// U+200B and the other zero-width characters, U+FEFF), Zl/Zp line and paragraph separators, Co private
// use (glyphs differ per device, e.g. a vendor logo): each can make a name read as another or forge a line.
const NOT_DISPLAYABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}]/u;

/**
 * One human-readable value: refuses what would let a registrant make its name look like another
 * app's or break the line it is printed on (docs/dynamic-client-registration.md, "Text fields").
 */
export function assertDisplayableText(field: string, value: string): void {
  const found = NOT_DISPLAYABLE.exec(value);
  if (found) {
    const codePoint = found[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    throw new InvalidClientMetadataError(
      `${field}: must not contain control, format (bidi, zero-width), separator or private-use characters; found U+${codePoint}`,
    );
  }
}

const MAX_JWKS_KEYS = 20;

/** Members of a registered JWK that are private or secret key material (RFC 7518 §6.2.2, §6.3.2, §6.4, RFC 8037 §2). */
const PRIVATE_JWK_MEMBERS = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']);

/**
 * RFC 7591 §2: jwks is a JWK Set (RFC 7517 §5) of the client's public keys. Each key is a flat
 * object: every member a string or an array of strings (x5c, key_ops), "kty" present
 * (RFC 7517 §4.1). Nothing nested is stored, and no private key material.
 */
export function assertPublicJwkSet(jwks: unknown): void {
  const keys = (jwks as { keys?: unknown } | null)?.keys;
  if (jwks === null || typeof jwks !== 'object' || Array.isArray(jwks) || !Array.isArray(keys)) {
    throw new InvalidClientMetadataError('jwks: must be a JWK Set, an object with a "keys" array (RFC 7517 §5)');
  }
  // A client signs with one key, two while it rotates; anything near the body limit is a flood.
  if (keys.length > MAX_JWKS_KEYS) throw new InvalidClientMetadataError(`jwks: at most ${MAX_JWKS_KEYS} keys are allowed`);
  keys.forEach((key: unknown, index) => {
    const at = `jwks.keys[${index}]`;
    if (key === null || typeof key !== 'object' || Array.isArray(key)) {
      throw new InvalidClientMetadataError(`${at}: must be a JWK, a JSON object (RFC 7517 §4)`);
    }
    for (const [name, value] of Object.entries(key)) {
      const flat = typeof value === 'string' || (Array.isArray(value) && value.every((item) => typeof item === 'string'));
      if (!flat) throw new InvalidClientMetadataError(`${at}.${truncate(name)}: must be a string or an array of strings`);
      if (PRIVATE_JWK_MEMBERS.has(name)) {
        throw new InvalidClientMetadataError(`${at}.${name}: private key material; register public keys only (RFC 7591 §2)`);
      }
    }
    if (typeof (key as Jwk).kty !== 'string') throw new InvalidClientMetadataError(`${at}: "kty" is required (RFC 7517 §4.1)`);
  });
}

// PostgreSQL cannot store U+0000 or a lone surrogate in text or jsonb; no metadata value has a use for either.
// The JSON body parser refuses lone surrogates already (json-body.ts); software statement claims come here unparsed by it.
function assertStorableStrings(value: unknown, path: string): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) throw new InvalidClientMetadataError(`${path}: must not contain the NUL character`);
    if (!value.isWellFormed()) throw new InvalidClientMetadataError(`${path}: must be well-formed Unicode (no lone surrogates)`);
  } else if (Array.isArray(value)) {
    value.forEach((item) => assertStorableStrings(item, path));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key.includes('\u0000') || !key.isWellFormed()) {
        throw new InvalidClientMetadataError(`${path || 'metadata'}: member names must be well-formed Unicode without NUL`);
      }
      assertStorableStrings(inner, path ? `${path}.${key}` : key);
    }
  }
}
