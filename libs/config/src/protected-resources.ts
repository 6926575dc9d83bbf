import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { InvalidConfigurationError } from './environment-variables';

/**
 * A protected resource (resource server) the operator declared in OAUTH_RESOURCES_FILE
 * (docs/configuration.md, "Protected resources"): the RFC 8707 resource indicator clients send,
 * the name the consent page shows, the scopes it defines and its access-token lifetime.
 */
export interface ProtectedResource {
  /** RFC 8707 §2: an absolute URI without fragment, compared as an exact string. */
  readonly uri: string;
  readonly name: string;
  readonly scopes: readonly string[];
  /** Lifetime of access tokens whose audience includes this resource; undefined → OAUTH_ACCESS_TOKEN_TTL_SECONDS. */
  readonly accessTokenTtlSeconds: number | undefined;
}

/**
 * Longest resource indicator accepted, in the file and in requests: every one becomes part of the
 * access token's aud, and verifyAccessToken refuses tokens longer than 4096 characters.
 */
export const MAX_RESOURCE_URI_LENGTH = 255;

/**
 * RFC 8707 §2: the value of `resource` MUST be an absolute URI (RFC 3986 §4.3: scheme ":" hier-part
 * [ "?" query ]) and MUST NOT include a fragment. Printable ASCII only (RFC 3986 §2: no raw spaces or
 * non-ASCII), so the value can go into a JWT, a page and a log line as it is; compared as a string.
 */
export function isResourceIndicator(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > MAX_RESOURCE_URI_LENGTH) return false;
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:[\x21-\x7e]+$/.test(value) || value.includes('#')) return false;
  try {
    new URL(value);
  } catch {
    return false;
  }
  return true;
}

const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]{1,128}$/; // RFC 6749 §3.3 scope-token
const RESOURCE_KEYS = ['uri', 'name', 'scopes', 'access_token_ttl_seconds'];

/** Reads and validates OAUTH_RESOURCES_FILE (YAML, or JSON as the YAML subset it is). */
export function loadProtectedResources(path: string): ProtectedResource[] {
  let document: unknown;
  try {
    document = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new InvalidConfigurationError(`OAUTH_RESOURCES_FILE=${path}: ${(error as Error).message.split('\n')[0]}`);
  }
  return parseProtectedResources(document, `OAUTH_RESOURCES_FILE=${path}`);
}

/** Validates a resources document; the error lists every problem, each naming its key path. */
export function parseProtectedResources(document: unknown, source = 'protected resources'): ProtectedResource[] {
  const problems: string[] = [];
  const resources: ProtectedResource[] = [];
  const root = isObject(document) ? document : undefined;
  if (!root) problems.push('(root): must be a mapping with a "resources" list');
  for (const key of Object.keys(root ?? {})) if (key !== 'resources') problems.push(`${key}: unknown key (expected resources)`);
  const list = root?.resources;
  if (root && (!Array.isArray(list) || list.length === 0)) problems.push('resources: must be a non-empty list');
  const seen = new Set<string>();
  (Array.isArray(list) ? list : []).forEach((raw: unknown, index) => {
    const at = `resources[${index}]`;
    if (!isObject(raw)) return void problems.push(`${at}: must be a mapping with uri and name`);
    for (const key of Object.keys(raw)) if (!RESOURCE_KEYS.includes(key)) problems.push(`${at}.${key}: unknown key (expected ${RESOURCE_KEYS.join(', ')})`);
    const uri = raw.uri;
    if (!isResourceIndicator(uri)) problems.push(`${at}.uri: must be an absolute URI without fragment, printable ASCII, at most ${MAX_RESOURCE_URI_LENGTH} characters (RFC 8707 §2)`);
    else if (seen.has(uri)) problems.push(`${at}.uri: ${uri} is declared twice`);
    else seen.add(uri);
    // Shown on the consent page: one line of text, no control or format characters (docs/architecture.md)
    const name = raw.name;
    if (typeof name !== 'string' || !/^[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}]{1,100}$/u.test(name) || name.trim() !== name) {
      problems.push(`${at}.name: must be 1–100 characters of text without control characters or surrounding spaces`);
    }
    const scopes = raw.scopes ?? [];
    if (!Array.isArray(scopes) || scopes.some((scope) => typeof scope !== 'string' || !SCOPE_TOKEN.test(scope))) {
      problems.push(`${at}.scopes: must be a list of scope tokens (RFC 6749 §3.3)`);
    }
    const ttl = raw.access_token_ttl_seconds;
    if (ttl !== undefined && (!Number.isInteger(ttl) || (ttl as number) < 1 || (ttl as number) > 86400)) {
      problems.push(`${at}.access_token_ttl_seconds: must be an integer from 1 to 86400`);
    }
    resources.push({
      uri: String(uri),
      name: String(name),
      scopes: Array.isArray(scopes) ? [...new Set(scopes.map(String))] : [],
      accessTokenTtlSeconds: ttl === undefined ? undefined : Number(ttl),
    });
  });
  if (problems.length > 0) {
    throw new InvalidConfigurationError(`Invalid configuration: ${source}:\n${problems.map((line) => `  ${line}`).join('\n')}`);
  }
  return resources;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
