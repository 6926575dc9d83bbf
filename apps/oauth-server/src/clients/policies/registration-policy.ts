import { InvalidConfigurationError } from '@app/config';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { GRANT_TYPES, GrantType, TOKEN_ENDPOINT_AUTH_METHODS, TokenEndpointAuthMethod } from '../client-metadata';

/**
 * One registration policy: what a client admitted under it may register. Every rule is optional;
 * an omitted rule leaves only the server-wide rules of client-metadata.ts. docs/registration-policies.md
 * describes the file format.
 */
export interface RegistrationPolicy {
  readonly name: string;
  /** Lower-case schemes without the colon: https, http, com.example.app. */
  readonly redirectUriSchemes?: readonly string[];
  /** Exact host names, or "*.example.com" for any subdomain of example.com. */
  readonly redirectUriHosts?: readonly string[];
  readonly grantTypes?: readonly GrantType[];
  readonly tokenEndpointAuthMethods?: readonly TokenEndpointAuthMethod[];
  readonly scopes?: readonly string[];
  /** Only public clients (token_endpoint_auth_method none, PKCE) may register. */
  readonly publicPkceClientsOnly: boolean;
  readonly requireSoftwareStatement: boolean;
  /** The software_id values this policy admits. */
  readonly softwareIds?: readonly string[];
  /** RFC 7591 §5: logo_uri, tos_uri, client_uri and policy_uri share scheme and host with a redirect URI. */
  readonly metadataUrisMatchRedirectUris: boolean;
  /**
   * RFC 9700 §4.11.2: the operator vouches for the redirect URIs of clients admitted under this policy
   * by an initial access token or a software statement: /authorize may redirect their errors before
   * the user has authenticated, and the consent page does not mark them unverified. Never applies to
   * clients registered anonymously, whatever their policy says.
   */
  readonly trusted: boolean;
  readonly quotas: {
    /** Default number of registrations of a token minted under this policy. */
    readonly perInitialAccessToken?: number;
    readonly perSoftwareIdPerDay?: number;
    readonly perSourceAddressPerDay?: number;
  };
}

/** RFC 7591 §2.3: whom the operator trusts to sign software statements. */
export interface SoftwareStatementTrust {
  readonly issuers: readonly string[];
  readonly algorithms: readonly string[];
  readonly jwksFile?: string;
  /** The JWK Set read from jwks_file at start-up. */
  readonly jwks?: { keys: object[] };
  readonly jwksUri?: string;
  /** A statement whose iat is older than this is refused; undefined = no limit. */
  readonly maxAgeSeconds?: number;
  readonly clockSkewSeconds: number;
}

export interface RegistrationPolicies {
  /** Admits registrations without an initial access token (REGISTRATION_MODE=open). */
  readonly openRegistrationPolicy: string;
  /** The policy of tokens minted without --policy and of REGISTRATION_INITIAL_ACCESS_TOKEN. */
  readonly initialAccessTokenPolicy: string;
  readonly softwareStatements?: SoftwareStatementTrust;
  readonly policies: ReadonlyMap<string, RegistrationPolicy>;
}

export const DEFAULT_POLICY_NAME = 'default';

/** Without a policy file: one policy without extra rules, the behaviour before policies existed. */
export const BUILT_IN_POLICIES: RegistrationPolicies = {
  openRegistrationPolicy: DEFAULT_POLICY_NAME,
  initialAccessTokenPolicy: DEFAULT_POLICY_NAME,
  policies: new Map([[DEFAULT_POLICY_NAME, emptyPolicy(DEFAULT_POLICY_NAME)]]),
};

// Asymmetric JWS algorithms only (RFC 7518 §3.1, RFC 8037): a partner never shares a MAC key with us.
export const STATEMENT_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;

const TOP_LEVEL_KEYS = ['open_registration_policy', 'initial_access_token_policy', 'software_statements', 'policies'];
const POLICY_KEYS = [
  'redirect_uris',
  'grant_types',
  'token_endpoint_auth_methods',
  'scopes',
  'public_pkce_clients_only',
  'require_software_statement',
  'software_ids',
  'metadata_uris_match_redirect_uris',
  'trusted',
  'quotas',
];
const REDIRECT_KEYS = ['schemes', 'hosts'];
const QUOTA_KEYS = ['per_initial_access_token', 'per_software_id_per_day', 'per_source_address_per_day'];
const STATEMENT_KEYS = ['issuers', 'algorithms', 'jwks_file', 'jwks_uri', 'max_age_seconds', 'clock_skew_seconds'];

/** Reads and validates the file named by REGISTRATION_POLICY_FILE; JSON is read as the YAML subset it is. */
export function loadRegistrationPolicies(path: string, scopesSupported: readonly string[]): RegistrationPolicies {
  let document: unknown;
  try {
    document = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new InvalidConfigurationError(`REGISTRATION_POLICY_FILE=${path}: ${(error as Error).message.split('\n')[0]}`);
  }
  return parseRegistrationPolicies(document, scopesSupported, `REGISTRATION_POLICY_FILE=${path}`);
}

/** Validates a policy document; the error lists every problem, each naming its key path. */
export function parseRegistrationPolicies(document: unknown, scopesSupported: readonly string[], source = 'registration policy'): RegistrationPolicies {
  const problems: string[] = [];
  const reader = new Reader(problems);
  const root = reader.object(document, '(root)', TOP_LEVEL_KEYS);
  const policies = new Map<string, RegistrationPolicy>();
  const rawPolicies = reader.object(root?.policies, 'policies');
  if (rawPolicies && Object.keys(rawPolicies).length === 0) problems.push('policies: must define at least one policy');
  for (const [name, raw] of Object.entries(rawPolicies ?? {})) {
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(name)) problems.push(`policies.${name}: a policy name is 1–64 letters, digits, "_", "." or "-"`);
    const policy = readPolicy(reader, name, raw, scopesSupported);
    if (policy) policies.set(name, policy);
  }
  const namedPolicy = (key: string): string => {
    const value = root?.[key];
    if (value === undefined) return policies.size === 1 ? [...policies.keys()][0] : (problems.push(`${key}: required when there is more than one policy`), '');
    const name = reader.string(value, key) ?? '';
    if (name && rawPolicies && !(name in rawPolicies)) problems.push(`${key}: "${name}" is not one of the policies (${[...Object.keys(rawPolicies)].join(', ')})`);
    return name;
  };
  const openRegistrationPolicy = namedPolicy('open_registration_policy');
  const initialAccessTokenPolicy = namedPolicy('initial_access_token_policy');
  const softwareStatements = root?.software_statements === undefined ? undefined : readTrust(reader, root.software_statements);
  const needsStatements = [...policies.values()].filter((policy) => policy.requireSoftwareStatement || policy.softwareIds);
  if (!softwareStatements && needsStatements.length > 0) {
    problems.push(`software_statements: required because policy "${needsStatements[0].name}" relies on software statements`);
  }
  if (problems.length > 0) {
    throw new InvalidConfigurationError(`Invalid configuration: ${source}:\n${problems.map((line) => `  ${line}`).join('\n')}`);
  }
  return { openRegistrationPolicy, initialAccessTokenPolicy, softwareStatements, policies };
}

function readPolicy(reader: Reader, name: string, raw: unknown, scopesSupported: readonly string[]): RegistrationPolicy | undefined {
  const at = `policies.${name}`;
  const policy = reader.object(raw ?? {}, at, POLICY_KEYS);
  if (!policy) return undefined;
  const redirect = policy.redirect_uris === undefined ? undefined : reader.object(policy.redirect_uris, `${at}.redirect_uris`, REDIRECT_KEYS);
  const schemes = reader.list(redirect?.schemes, `${at}.redirect_uris.schemes`, (value, key) => {
    if (!/^[a-z][a-z0-9+.-]*$/.test(value)) return `${key}: "${value}" is not a URI scheme (lower case, without ":")`;
    if (['javascript', 'data', 'file', 'vbscript', 'blob', 'about', 'filesystem'].includes(value)) return `${key}: "${value}" is never allowed`;
  });
  const hosts = reader.list(redirect?.hosts, `${at}.redirect_uris.hosts`, (value, key) => {
    if (!/^(\*\.)?[a-z0-9.:[\]-]+$/.test(value) || value.includes('*', 1)) {
      return `${key}: "${value}" is not a lower-case host name, "[::1]" or "*.example.com"`;
    }
  });
  const oneOf = (allowed: readonly string[]) => (value: string, key: string) =>
    allowed.includes(value) ? undefined : `${key}: "${value}" is not one of ${allowed.join(', ')}`;
  const quotas = policy.quotas === undefined ? {} : (reader.object(policy.quotas, `${at}.quotas`, QUOTA_KEYS) ?? {});
  return {
    name,
    redirectUriSchemes: schemes,
    redirectUriHosts: hosts,
    grantTypes: reader.list(policy.grant_types, `${at}.grant_types`, oneOf(GRANT_TYPES)) as GrantType[] | undefined,
    tokenEndpointAuthMethods: reader.list(policy.token_endpoint_auth_methods, `${at}.token_endpoint_auth_methods`, oneOf(TOKEN_ENDPOINT_AUTH_METHODS)) as
      | TokenEndpointAuthMethod[]
      | undefined,
    scopes: reader.list(policy.scopes, `${at}.scopes`, oneOf(scopesSupported)),
    publicPkceClientsOnly: reader.boolean(policy.public_pkce_clients_only, `${at}.public_pkce_clients_only`),
    requireSoftwareStatement: reader.boolean(policy.require_software_statement, `${at}.require_software_statement`),
    softwareIds: reader.list(policy.software_ids, `${at}.software_ids`, () => undefined),
    metadataUrisMatchRedirectUris: reader.boolean(policy.metadata_uris_match_redirect_uris, `${at}.metadata_uris_match_redirect_uris`),
    trusted: reader.boolean(policy.trusted, `${at}.trusted`),
    quotas: {
      perInitialAccessToken: reader.count(quotas.per_initial_access_token, `${at}.quotas.per_initial_access_token`),
      perSoftwareIdPerDay: reader.count(quotas.per_software_id_per_day, `${at}.quotas.per_software_id_per_day`),
      perSourceAddressPerDay: reader.count(quotas.per_source_address_per_day, `${at}.quotas.per_source_address_per_day`),
    },
  };
}

function readTrust(reader: Reader, raw: unknown): SoftwareStatementTrust | undefined {
  const at = 'software_statements';
  const trust = reader.object(raw, at, STATEMENT_KEYS);
  if (!trust) return undefined;
  const issuers = reader.list(trust.issuers, `${at}.issuers`, (value, key) => (value.length > 0 ? undefined : `${key}: must not be empty`));
  const algorithms =
    reader.list(trust.algorithms, `${at}.algorithms`, (value, key) =>
      (STATEMENT_ALGORITHMS as readonly string[]).includes(value) ? undefined : `${key}: "${value}" is not one of ${STATEMENT_ALGORITHMS.join(', ')}`,
    ) ?? ['RS256', 'PS256', 'ES256', 'EdDSA'];
  if (!issuers) reader.problems.push(`${at}.issuers: required, the list of trusted statement issuers (iss)`);
  const jwksFile = trust.jwks_file === undefined ? undefined : reader.string(trust.jwks_file, `${at}.jwks_file`);
  const jwksUri = trust.jwks_uri === undefined ? undefined : reader.string(trust.jwks_uri, `${at}.jwks_uri`);
  if ((jwksFile === undefined) === (jwksUri === undefined)) reader.problems.push(`${at}: exactly one of jwks_file and jwks_uri is required`);
  if (jwksUri !== undefined && !/^https:\/\/[^\s]+$/.test(jwksUri)) reader.problems.push(`${at}.jwks_uri: must be an https URL`);
  let jwks: { keys: object[] } | undefined;
  if (jwksFile !== undefined) {
    try {
      jwks = JSON.parse(readFileSync(jwksFile, 'utf8'));
      if (!Array.isArray(jwks?.keys) || jwks.keys.length === 0) throw new Error('no "keys" array');
    } catch (error) {
      reader.problems.push(`${at}.jwks_file: ${jwksFile} is not a readable JWK Set (${(error as Error).message.split('\n')[0]})`);
    }
  }
  return {
    issuers: issuers ?? [],
    algorithms,
    jwksFile,
    jwks,
    jwksUri,
    maxAgeSeconds: reader.count(trust.max_age_seconds, `${at}.max_age_seconds`),
    clockSkewSeconds: reader.count(trust.clock_skew_seconds, `${at}.clock_skew_seconds`, 0) ?? 60,
  };
}

function emptyPolicy(name: string): RegistrationPolicy {
  return { name, publicPkceClientsOnly: false, requireSoftwareStatement: false, metadataUrisMatchRedirectUris: false, trusted: false, quotas: {} };
}

/** Reads typed values out of the parsed document, recording a problem (with its key path) for each misfit. */
class Reader {
  constructor(readonly problems: string[]) {}

  object(value: unknown, key: string, allowedKeys?: string[]): Record<string, unknown> | undefined {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.problems.push(`${key}: must be a mapping`);
      return undefined;
    }
    for (const member of Object.keys(value)) {
      // A misspelt rule would otherwise be silently ignored and leave the policy wider than intended.
      if (allowedKeys && !allowedKeys.includes(member)) {
        this.problems.push(`${key === '(root)' ? '' : `${key}.`}${member}: unknown key; expected one of ${allowedKeys.join(', ')}`);
      }
    }
    return value as Record<string, unknown>;
  }

  string(value: unknown, key: string): string | undefined {
    if (typeof value === 'string' && value.length > 0) return value;
    this.problems.push(`${key}: must be a non-empty string`);
    return undefined;
  }

  boolean(value: unknown, key: string): boolean {
    if (value === undefined) return false;
    if (typeof value === 'boolean') return value;
    this.problems.push(`${key}: must be true or false`);
    return false;
  }

  count(value: unknown, key: string, minimum = 1): number | undefined {
    if (value === undefined) return undefined;
    if (typeof value === 'number' && Number.isInteger(value) && value >= minimum) return value;
    this.problems.push(`${key}: must be an integer ≥ ${minimum}`);
    return undefined;
  }

  list(value: unknown, key: string, check: (value: string, key: string) => string | undefined): string[] | undefined {
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || value.length === 0) {
      this.problems.push(`${key}: must be a non-empty list`);
      return undefined;
    }
    const items: string[] = [];
    value.forEach((item: unknown, index) => {
      const itemKey = `${key}[${index}]`;
      if (typeof item !== 'string') return this.problems.push(`${itemKey}: must be a string`);
      const problem = check(item, itemKey);
      if (problem) return this.problems.push(problem);
      items.push(item);
    });
    return items;
  }
}
