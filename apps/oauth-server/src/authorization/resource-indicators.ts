import { AppConfig, isResourceIndicator, MAX_RESOURCE_URI_LENGTH, ProtectedResource } from '@app/config';
import { InvalidTargetError } from '@app/oauth-errors';

/**
 * More distinct resources than this in one request are refused: each becomes an audience of the
 * token, which must stay under verifyAccessToken's 4096 characters (with MAX_RESOURCE_URI_LENGTH).
 */
export const MAX_RESOURCES = 5;

type ResourcesConfig = Pick<AppConfig, 'resources'> & Partial<Pick<AppConfig, 'issuer'>>;

/**
 * RFC 8707 §2: `resource` may be sent more than once ("Multiple resource parameters MAY be used"),
 * each value an absolute URI without fragment; anything else is invalid_target. Returns the distinct
 * values in request order; [] when the parameter is absent (an empty value counts as omitted, RFC 6749 §3.1).
 */
export function requestedResources(value: unknown): string[] {
  if (value === undefined || value === '') return [];
  const values: unknown[] = Array.isArray(value) ? value : [value];
  // RFC 8707 §2: "Its value MUST be an absolute URI … MUST NOT include a fragment component"
  for (const item of values) {
    if (!isResourceIndicator(item)) {
      throw new InvalidTargetError(`resource must be an absolute URI without a fragment, at most ${MAX_RESOURCE_URI_LENGTH} characters (RFC 8707 §2)`);
    }
  }
  const distinct = [...new Set(values as string[])];
  if (distinct.length > MAX_RESOURCES) throw new InvalidTargetError(`at most ${MAX_RESOURCES} resource values per request`);
  return distinct;
}

/**
 * RFC 8707 §2: a resource the server does not consider acceptable is invalid_target. With
 * OAUTH_RESOURCES_FILE set (and OAUTH_RESOURCES_ALLOW_UNKNOWN not true) only declared resources are,
 * and the issuer itself (the audience of userinfo, the resource this server serves).
 */
export function assertKnownResources(resources: readonly string[], config: ResourcesConfig): void {
  if (config.resources.allowUnknown) return;
  const known = (uri: string) => uri === config.issuer || config.resources.declared.some((declared) => declared.uri === uri);
  const unknown = resources.find((uri) => !known(uri));
  if (unknown !== undefined) throw new InvalidTargetError(`resource ${unknown.slice(0, 100)} is not a protected resource of this server`);
}

/** The declared resource with this indicator, if any. */
export function declaredResource(uri: string, config: ResourcesConfig): ProtectedResource | undefined {
  return config.resources.declared.find((declared) => declared.uri === uri);
}

/** The scopes the given (declared) resources define: a client may request them with those resources. */
export function resourceScopes(resources: readonly string[], config: ResourcesConfig): string[] {
  return [...new Set(resources.flatMap((uri) => declaredResource(uri, config)?.scopes ?? []))];
}

/**
 * RFC 8707 §2.2: at the token endpoint the acceptable resources are those the resource owner
 * granted (at /authorize, carried by the code and the refresh token family) "or a subset thereof";
 * anything else is invalid_target. Returns the token's audience: the requested subset, or the
 * whole grant when the request names none.
 */
export function grantedSubset(requested: readonly string[], granted: readonly string[]): string[] {
  const extra = requested.find((uri) => !granted.includes(uri));
  if (extra !== undefined) throw new InvalidTargetError(`resource ${extra} was not granted in the authorization request`);
  return requested.length > 0 ? [...requested] : [...granted];
}

/**
 * Access-token lifetime for an audience: the shortest `access_token_ttl_seconds` among its declared
 * resources, else OAUTH_ACCESS_TOKEN_TTL_SECONDS.
 */
export function accessTokenTtlFor(audience: readonly string[], config: ResourcesConfig & Pick<AppConfig, 'authorization'>): number {
  const ttls = audience.map((uri) => declaredResource(uri, config)?.accessTokenTtlSeconds).filter((ttl): ttl is number => ttl !== undefined);
  return ttls.length > 0 ? Math.min(...ttls) : config.authorization.accessTokenTtlSeconds;
}

/** What the consent page shows of a resource indicator: its host (punycode for IDNs), or its scheme for URNs. */
export function resourceHost(uri: string): string {
  const url = new URL(uri);
  return url.host !== '' ? url.host : url.protocol.slice(0, -1);
}
