import { availableParallelism } from 'node:os';
import { EnvironmentVariables, InvalidConfigurationError, validateEnvironment } from './environment-variables';
import { loadProtectedResources, ProtectedResource } from './protected-resources';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export type RegistrationMode = 'open' | 'protected';
export type TokenRotation = 'never' | 'on-update' | 'on-every-use';
/** The rate-limited route groups; http-app.ts maps routes onto them (see RATE_LIMITED_ROUTES). */
export type RateLimitName = 'register' | 'management' | 'login' | 'token' | 'introspect' | 'userinfo' | 'authorize';
export interface RateLimit {
  readonly max: number;
  readonly windowSeconds: number;
}

export type DatabaseConfig =
  | { kind: 'postgres'; url: string; poolSize: number; migrationsRun: boolean; preparedStatements: boolean }
  | { kind: 'pglite'; dataDir: string; migrationsRun: boolean };

export interface AppConfig {
  readonly http: {
    readonly port: number;
    readonly host: string;
    readonly bodyLimitBytes: number;
    /** Slow or incomplete requests are closed (docs/operations.md, "Connections"). */
    readonly headersTimeoutSeconds: number;
    readonly requestTimeoutSeconds: number;
    readonly idleTimeoutSeconds: number;
    readonly keepAliveTimeoutSeconds: number;
    readonly maxConnections: number;
    /** Open connections from one peer address; 0 = no per-address cap. */
    readonly maxConnectionsPerAddress: number;
  };
  /** The public base URL; every URL the server hands out is built from it, never from Host. */
  readonly issuer: string;
  readonly database: DatabaseConfig;
  readonly logging: {
    readonly level: LogLevel;
    readonly format: 'json' | 'pretty';
    /** Per-module levels for Nest loggers, keyed by context (class name). */
    readonly moduleLevels: Readonly<Record<string, LogLevel>>;
  };
  /** Fastify's trustProxy: which peers may set X-Forwarded-For/-Proto (client address, https). */
  readonly proxy: { readonly trust: boolean | number | readonly string[] };
  readonly workerPool: {
    readonly size: number;
    readonly queueLength: number;
    readonly jobTimeoutSeconds: number;
    /** CPU-bound jobs (bcrypt) at once; default: one less than the CPUs, so the event loop keeps a core. */
    readonly cpuSize: number;
  };
  /** 0 disables the scheduled sweep. */
  readonly maintenance: { readonly sweepIntervalSeconds: number };
  readonly shutdown: { readonly graceSeconds: number };
  readonly rateLimit: {
    readonly enabled: boolean;
    /** Shared counters for several instances; in-memory per process when undefined. */
    readonly redisUrl: string | undefined;
    readonly limits: Readonly<Record<RateLimitName, RateLimit>>;
  };
  readonly registration: {
    readonly mode: RegistrationMode;
    readonly initialAccessToken: string | undefined;
    readonly tokenTtlSeconds: number;
    readonly tokenRotation: TokenRotation;
    readonly tokenGraceSeconds: number;
    readonly clientSecretTtlSeconds: number;
    readonly maxRedirectUris: number;
    readonly maxContacts: number;
    /** Path of the registration policy file (JSON or YAML); undefined → the built-in permissive policy. */
    readonly policyFile: string | undefined;
    /** Registrations never used within this many seconds are removed by the sweeper; 0 = never. */
    readonly unusedClientTtlSeconds: number;
    /** How long a client's previous secret keeps working after an operator rotation. */
    readonly secretRotationGraceSeconds: number;
  };
  /** Origins allowed to call registration, discovery, token and JWKS endpoints from a browser. */
  readonly cors: { readonly allowedOrigins: readonly string[] };
  /** The SSRF-safe fetcher of client documents (jwks_uri); both settings exist for tests. */
  readonly fetch: { readonly allowLoopbackForTests: boolean; readonly extraCaFile: string | undefined };
  readonly oauth: { readonly scopesSupported: readonly string[] };
  /**
   * RFC 8707 resource indicators: the protected resources declared in OAUTH_RESOURCES_FILE (their
   * scopes are part of oauth.scopesSupported) and whether a resource not declared there is accepted.
   */
  readonly resources: { readonly declared: readonly ProtectedResource[]; readonly allowUnknown: boolean };
  /** HMAC key for stored secret hashes; undefined means "use the key kept in the database". */
  readonly tokenHashKey: string | undefined;
  /** Product name, logo and accent colour of every HTML page (login, consent, account, errors). */
  readonly branding: { readonly productName: string; readonly logoUrl: string | undefined; readonly accentColor: string };
  /** End-user login and sessions (LoginModule). */
  readonly login: {
    readonly bcryptCost: number;
    readonly passwordMinLength: number;
    /** Seeds the user "demo" for local use; never enable it on a shared server. */
    readonly demoUser: boolean;
    readonly throttleMaxFailures: number;
    readonly throttleWindowSeconds: number;
    /** Failures per username from all addresses together in one window (a second throttle key). */
    readonly throttleMaxFailuresPerUsername: number;
    /** Password checks running + queued per instance; beyond it a login is refused with 503 at once. */
    readonly passwordCheckMaxPending: number;
    readonly sessionIdleTtlSeconds: number;
    readonly sessionAbsoluteTtlSeconds: number;
  };
  /** The authorization-code flow and the tokens it issues (AuthorizationModule). */
  readonly authorization: {
    readonly codeTtlSeconds: number;
    readonly accessTokenTtlSeconds: number;
    readonly refreshTokenTtlSeconds: number;
    readonly idTokenTtlSeconds: number;
    /** RFC 9700 §2.1.1: PKCE for every client ("all", the default) or public clients only. */
    readonly pkceRequired: 'all' | 'public';
    readonly signingKeyRotationSeconds: number;
    /** How stale an instance's signing-key cache may be: a rotation or revocation elsewhere is seen within it. */
    readonly signingKeysCheckSeconds: number;
    /** Encrypts private signing keys at rest (AES-256-GCM); undefined stores them unencrypted. */
    readonly keyEncryptionKey: string | undefined;
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');

/** Reads the environment once, applies defaults and returns a frozen, typed configuration. */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const vars = validateEnvironment(env);
  const port = vars.PORT ?? 3000;
  const mode = (vars.REGISTRATION_MODE ?? 'open') as RegistrationMode;
  const migrationsRun = vars.DATABASE_MIGRATIONS_RUN !== 'false';
  const cpuSize = vars.WORKER_POOL_CPU_SIZE ?? Math.max(1, availableParallelism() - 1);
  const resources = vars.OAUTH_RESOURCES_FILE ? loadProtectedResources(vars.OAUTH_RESOURCES_FILE) : [];
  const database: DatabaseConfig = vars.DATABASE_URL
    ? {
        kind: 'postgres',
        url: vars.DATABASE_URL,
        poolSize: vars.DATABASE_POOL_SIZE ?? 10,
        migrationsRun,
        preparedStatements: vars.DATABASE_PREPARED_STATEMENTS !== 'false',
      }
    : { kind: 'pglite', dataDir: vars.PGLITE_DATA_DIR ?? './data/pglite', migrationsRun };

  return deepFreeze({
    http: httpConfig(vars, port),
    issuer: vars.ISSUER ?? `http://localhost:${port}`,
    database,
    logging: {
      level: (vars.LOG_LEVEL ?? 'info') as LogLevel,
      format: (vars.LOG_FORMAT ?? 'json') as 'json' | 'pretty',
      moduleLevels: parseModuleLevels(vars.LOG_LEVEL_MODULES),
    },
    proxy: { trust: parseTrustProxy(vars.HTTP_TRUST_PROXY) },
    workerPool: {
      size: vars.WORKER_POOL_SIZE ?? 4,
      queueLength: vars.WORKER_POOL_QUEUE_LENGTH ?? 1000,
      jobTimeoutSeconds: vars.WORKER_POOL_JOB_TIMEOUT_SECONDS ?? 30,
      cpuSize,
    },
    maintenance: { sweepIntervalSeconds: vars.SWEEPER_INTERVAL_SECONDS ?? 300 },
    shutdown: { graceSeconds: vars.SHUTDOWN_GRACE_SECONDS ?? 25 },
    rateLimit: {
      enabled: vars.RATE_LIMIT_ENABLED !== 'false',
      redisUrl: vars.REDIS_URL,
      limits: {
        register: parseRateLimit(vars.RATE_LIMIT_REGISTER ?? '30/60'),
        management: parseRateLimit(vars.RATE_LIMIT_MANAGEMENT ?? '120/60'),
        login: parseRateLimit(vars.RATE_LIMIT_LOGIN ?? '20/60'),
        token: parseRateLimit(vars.RATE_LIMIT_TOKEN ?? '300/60'),
        introspect: parseRateLimit(vars.RATE_LIMIT_INTROSPECT ?? '600/60'),
        userinfo: parseRateLimit(vars.RATE_LIMIT_USERINFO ?? '300/60'),
        authorize: parseRateLimit(vars.RATE_LIMIT_AUTHORIZE ?? '120/60'),
      },
    },
    registration: {
      mode,
      initialAccessToken: vars.REGISTRATION_INITIAL_ACCESS_TOKEN,
      tokenTtlSeconds: vars.REGISTRATION_TOKEN_TTL_SECONDS ?? 90 * 24 * 3600,
      // RFC 7592 §3: every client information response carries a registration_access_token; only the hash is
      // stored, so the server can only send one by issuing a new one each time.
      tokenRotation: (vars.REGISTRATION_TOKEN_ROTATION ?? 'on-every-use') as TokenRotation,
      tokenGraceSeconds: vars.REGISTRATION_TOKEN_GRACE_SECONDS ?? 300,
      clientSecretTtlSeconds: vars.CLIENT_SECRET_TTL_SECONDS ?? 0,
      maxRedirectUris: vars.REGISTRATION_MAX_REDIRECT_URIS ?? 20,
      maxContacts: vars.REGISTRATION_MAX_CONTACTS ?? 10,
      policyFile: vars.REGISTRATION_POLICY_FILE,
      unusedClientTtlSeconds: vars.REGISTRATION_UNUSED_CLIENT_TTL_SECONDS ?? 0,
      secretRotationGraceSeconds: vars.CLIENT_SECRET_ROTATION_GRACE_SECONDS ?? 86400,
    },
    cors: { allowedOrigins: vars.CORS_ALLOWED_ORIGINS ? vars.CORS_ALLOWED_ORIGINS.split(' ') : [] },
    fetch: { allowLoopbackForTests: vars.FETCH_ALLOW_LOOPBACK_FOR_TESTS === 'true', extraCaFile: vars.FETCH_EXTRA_CA_FILE },
    // RFC 8707: the scopes the declared resources define are supported too (discovery, registration)
    oauth: { scopesSupported: [...new Set([...(vars.OAUTH_SCOPES_SUPPORTED ?? 'openid profile email offline_access').split(' '), ...resources.flatMap((r) => r.scopes)])] },
    // Without a resources file any well-formed resource is accepted; with one, only those declared (unless allowed)
    resources: { declared: resources, allowUnknown: (vars.OAUTH_RESOURCES_ALLOW_UNKNOWN ?? (vars.OAUTH_RESOURCES_FILE ? 'false' : 'true')) === 'true' },
    tokenHashKey: vars.TOKEN_HASH_KEY,
    branding: {
      productName: vars.BRANDING_PRODUCT_NAME ?? 'Tessera',
      logoUrl: vars.BRANDING_LOGO_URL,
      accentColor: (vars.BRANDING_ACCENT_COLOR ?? '#1d4ed8').toLowerCase(),
    },
    login: {
      bcryptCost: vars.LOGIN_BCRYPT_COST ?? 12,
      passwordMinLength: vars.LOGIN_PASSWORD_MIN_LENGTH ?? 12,
      demoUser: vars.LOGIN_DEMO_USER === 'true',
      throttleMaxFailures: vars.LOGIN_THROTTLE_MAX_FAILURES ?? 5,
      throttleWindowSeconds: vars.LOGIN_THROTTLE_WINDOW_SECONDS ?? 900,
      throttleMaxFailuresPerUsername: vars.LOGIN_THROTTLE_MAX_FAILURES_PER_USERNAME ?? 20,
      passwordCheckMaxPending: vars.LOGIN_PASSWORD_CHECK_MAX_PENDING ?? 4 * cpuSize,
      sessionIdleTtlSeconds: vars.SESSION_IDLE_TTL_SECONDS ?? 1800,
      sessionAbsoluteTtlSeconds: vars.SESSION_ABSOLUTE_TTL_SECONDS ?? 12 * 3600,
    },
    authorization: {
      codeTtlSeconds: vars.OAUTH_CODE_TTL_SECONDS ?? 60,
      accessTokenTtlSeconds: vars.OAUTH_ACCESS_TOKEN_TTL_SECONDS ?? 600,
      refreshTokenTtlSeconds: vars.OAUTH_REFRESH_TOKEN_TTL_SECONDS ?? 30 * 86400,
      idTokenTtlSeconds: vars.OAUTH_ID_TOKEN_TTL_SECONDS ?? 3600,
      pkceRequired: (vars.OAUTH_PKCE_REQUIRED ?? 'all') as 'all' | 'public',
      signingKeyRotationSeconds: vars.OAUTH_SIGNING_KEY_ROTATION_SECONDS ?? 30 * 86400,
      signingKeysCheckSeconds: vars.OAUTH_SIGNING_KEYS_CHECK_SECONDS ?? 1,
      keyEncryptionKey: vars.OAUTH_KEY_ENCRYPTION_KEY,
    },
  });
}

function httpConfig(vars: EnvironmentVariables, port: number): AppConfig['http'] {
  const trustProxy = vars.HTTP_TRUST_PROXY !== undefined && vars.HTTP_TRUST_PROXY !== 'false';
  const http = {
    port,
    host: vars.HOST ?? '127.0.0.1',
    bodyLimitBytes: vars.HTTP_BODY_LIMIT_BYTES ?? 65536,
    // Well below Node's 300 s: ~20k incomplete bodies from one host exhausted the file descriptors.
    headersTimeoutSeconds: vars.HTTP_HEADERS_TIMEOUT_SECONDS ?? 10,
    requestTimeoutSeconds: vars.HTTP_REQUEST_TIMEOUT_SECONDS ?? 30,
    idleTimeoutSeconds: vars.HTTP_IDLE_TIMEOUT_SECONDS ?? 60,
    // Fastify's default: above the 60 s idle timeout of common load balancers.
    keepAliveTimeoutSeconds: vars.HTTP_KEEP_ALIVE_TIMEOUT_SECONDS ?? 72,
    maxConnections: vars.HTTP_MAX_CONNECTIONS ?? 4096,
    // Behind a proxy every connection comes from the proxy: no per-address cap unless one is set.
    maxConnectionsPerAddress: vars.HTTP_MAX_CONNECTIONS_PER_ADDRESS ?? (trustProxy ? 0 : 256),
  };
  // Node refuses a headers timeout above the request timeout (the headers are part of the request).
  if (http.headersTimeoutSeconds > http.requestTimeoutSeconds) {
    throw new InvalidConfigurationError(
      `Invalid configuration:\n  HTTP_HEADERS_TIMEOUT_SECONDS=${http.headersTimeoutSeconds}: must not exceed HTTP_REQUEST_TIMEOUT_SECONDS (${http.requestTimeoutSeconds})`,
    );
  }
  return http;
}

/** Joins a path onto the issuer without doubling or dropping the slash. */
export function issuerUrl(config: Pick<AppConfig, 'issuer'>, path: string): string {
  return `${config.issuer.replace(/\/+$/, '')}${path}`;
}

function parseModuleLevels(value: string | undefined): Record<string, LogLevel> {
  if (!value) return {};
  return Object.fromEntries(value.split(',').map((pair) => pair.split('=') as [string, LogLevel]));
}

function parseTrustProxy(value: string | undefined): boolean | number | string[] {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value.split(',');
}

function parseRateLimit(value: string): RateLimit {
  const [max, windowSeconds] = value.split('/').map(Number);
  return { max, windowSeconds };
}

function deepFreeze<T extends object>(value: T): T {
  for (const inner of Object.values(value)) {
    if (inner && typeof inner === 'object') deepFreeze(inner as object);
  }
  return Object.freeze(value);
}
