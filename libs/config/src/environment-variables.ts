import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  validateSync,
  ValidateBy,
} from 'class-validator';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const REGISTRATION_MODES = ['open', 'protected'] as const;
export const TOKEN_ROTATIONS = ['never', 'on-update', 'on-every-use'] as const;
const TEN_YEARS_SECONDS = 10 * 365 * 24 * 3600;

/**
 * Values never repeated in a start-up error: they may be real secrets (or carry a password).
 * app-config.spec.ts fails if a variable named like a secret (…_KEY, …_TOKEN, …_SECRET, …_PASSWORD,
 * …_URL) is missing here.
 */
export const SECRET_VARIABLES: ReadonlySet<string> = new Set([
  'DATABASE_URL',
  'REDIS_URL',
  'REGISTRATION_INITIAL_ACCESS_TOKEN',
  'TOKEN_HASH_KEY',
  'OAUTH_KEY_ENCRYPTION_KEY',
]);
/** `<max>/<window seconds>`, e.g. `20/60`: at most 20 requests per client address per minute. */
export const RATE_LIMIT_FORMAT = /^\d{1,6}\/\d{1,6}$/;
const RATE_LIMIT_MESSAGE = 'must be <max requests>/<window seconds>, e.g. 20/60';

/**
 * Every environment variable Tessera reads, with its rule. Defaults live in app-config.ts;
 * docs/configuration.md and .env.example list the same names.
 */
export class EnvironmentVariables {
  @IsOptional() @IsInt() @Min(1) @Max(65535)
  PORT?: number;

  @IsOptional() @IsString() @MinLength(1)
  HOST?: string;

  // RFC 8414 §2: the issuer is an https URL (http allowed for local use) without query or fragment
  @IsOptional() @Matches(/^https?:\/\/[^?#\s]+$/, { message: 'ISSUER must be an http(s) URL without query or fragment' })
  ISSUER?: string;

  @IsOptional() @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  @IsOptional() @IsString() @MinLength(1)
  PGLITE_DATA_DIR?: string;

  @IsOptional() @IsIn(['true', 'false'])
  DATABASE_MIGRATIONS_RUN?: string;

  @IsOptional() @IsInt() @Min(1) @Max(200)
  DATABASE_POOL_SIZE?: number;

  @IsOptional() @IsIn(['true', 'false'])
  DATABASE_PREPARED_STATEMENTS?: string;

  @IsOptional() @IsIn(LOG_LEVELS)
  LOG_LEVEL?: string;

  @IsOptional() @IsIn(['json', 'pretty'])
  LOG_FORMAT?: string;

  @IsOptional() @IsInt() @Min(1024) @Max(10 * 1024 * 1024)
  HTTP_BODY_LIMIT_BYTES?: number;

  // Slow or incomplete requests hold a socket (a file descriptor) until a timeout closes it: Node's
  // own limit is 300 s for a request. Defaults and the rule between them: app-config.ts.
  @IsOptional() @IsInt() @Min(1) @Max(300)
  HTTP_HEADERS_TIMEOUT_SECONDS?: number;

  @IsOptional() @IsInt() @Min(1) @Max(300)
  HTTP_REQUEST_TIMEOUT_SECONDS?: number;

  @IsOptional() @IsInt() @Min(1) @Max(3600)
  HTTP_IDLE_TIMEOUT_SECONDS?: number;

  @IsOptional() @IsInt() @Min(1) @Max(3600)
  HTTP_KEEP_ALIVE_TIMEOUT_SECONDS?: number;

  @IsOptional() @IsInt() @Min(1) @Max(1_000_000)
  HTTP_MAX_CONNECTIONS?: number;

  @IsOptional() @IsInt() @Min(0) @Max(1_000_000)
  HTTP_MAX_CONNECTIONS_PER_ADDRESS?: number;

  @IsOptional() @IsIn(REGISTRATION_MODES)
  REGISTRATION_MODE?: string;

  // RFC 6750 §2.1: a bearer token is a b64token, or no client could ever present it
  @IsOptional() @IsString() @MinLength(32) @MaxLength(512)
  @Matches(/^[A-Za-z0-9\-._~+/]+=*$/, { message: 'REGISTRATION_INITIAL_ACCESS_TOKEN must use only the RFC 6750 b64token characters A-Z a-z 0-9 - . _ ~ + / (and trailing =)' })
  REGISTRATION_INITIAL_ACCESS_TOKEN?: string;

  @IsOptional() @IsInt() @Min(60) @Max(TEN_YEARS_SECONDS)
  REGISTRATION_TOKEN_TTL_SECONDS?: number;

  @IsOptional() @IsIn(TOKEN_ROTATIONS)
  REGISTRATION_TOKEN_ROTATION?: string;

  @IsOptional() @IsInt() @Min(0) @Max(86400)
  REGISTRATION_TOKEN_GRACE_SECONDS?: number;

  @IsOptional() @IsInt() @Min(0) @Max(TEN_YEARS_SECONDS)
  CLIENT_SECRET_TTL_SECONDS?: number;

  @IsOptional() @IsInt() @Min(1) @Max(100)
  REGISTRATION_MAX_REDIRECT_URIS?: number;

  @IsOptional() @IsInt() @Min(0) @Max(100)
  REGISTRATION_MAX_CONTACTS?: number;

  @IsOptional() @Matches(/^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/, {
    message: 'OAUTH_SCOPES_SUPPORTED must be space-separated scope tokens (RFC 6749 §3.3)',
  })
  OAUTH_SCOPES_SUPPORTED?: string;

  @IsOptional() @IsString() @MinLength(32)
  TOKEN_HASH_KEY?: string;

  // Operations — logging, worker pool, sweeper, shutdown, rate limits, proxies (docs/operations.md)
  @IsOptional() @Matches(/^[A-Za-z0-9_]+=(fatal|error|warn|info|debug|trace|silent)(,[A-Za-z0-9_]+=(fatal|error|warn|info|debug|trace|silent))*$/, {
    message: 'LOG_LEVEL_MODULES must look like ClientsService=debug,SweeperService=warn',
  })
  LOG_LEVEL_MODULES?: string;

  @IsOptional() @IsInt() @Min(1) @Max(256)
  WORKER_POOL_SIZE?: number;

  @IsOptional() @IsInt() @Min(1) @Max(1_000_000)
  WORKER_POOL_QUEUE_LENGTH?: number;

  @IsOptional() @IsInt() @Min(1) @Max(256)
  WORKER_POOL_CPU_SIZE?: number;

  @IsOptional() @IsInt() @Min(1) @Max(3600)
  WORKER_POOL_JOB_TIMEOUT_SECONDS?: number;

  @IsOptional() @IsInt() @Min(0) @Max(7 * 86400)
  SWEEPER_INTERVAL_SECONDS?: number;

  @IsOptional() @IsInt() @Min(1) @Max(3600)
  SHUTDOWN_GRACE_SECONDS?: number;

  @IsOptional() @Matches(/^(true|false|\d{1,2}|[0-9a-fA-F.:/]+(,[0-9a-fA-F.:/]+)*)$/, {
    message: 'HTTP_TRUST_PROXY must be true, false, a hop count or a comma-separated list of addresses/CIDRs',
  })
  HTTP_TRUST_PROXY?: string;

  @IsOptional() @Matches(/^rediss?:\/\/\S+$/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  @IsOptional() @IsIn(['true', 'false'])
  RATE_LIMIT_ENABLED?: string;

  @IsOptional() @Matches(RATE_LIMIT_FORMAT, { message: RATE_LIMIT_MESSAGE })
  RATE_LIMIT_REGISTER?: string;

  @IsOptional() @Matches(RATE_LIMIT_FORMAT, { message: RATE_LIMIT_MESSAGE })
  RATE_LIMIT_MANAGEMENT?: string;

  @IsOptional() @Matches(RATE_LIMIT_FORMAT, { message: RATE_LIMIT_MESSAGE })
  RATE_LIMIT_LOGIN?: string;

  @IsOptional() @Matches(RATE_LIMIT_FORMAT, { message: RATE_LIMIT_MESSAGE })
  RATE_LIMIT_TOKEN?: string;

  @IsOptional() @Matches(RATE_LIMIT_FORMAT, { message: RATE_LIMIT_MESSAGE })
  RATE_LIMIT_INTROSPECT?: string;

  @IsOptional() @Matches(RATE_LIMIT_FORMAT, { message: RATE_LIMIT_MESSAGE })
  RATE_LIMIT_USERINFO?: string;

  @IsOptional() @Matches(RATE_LIMIT_FORMAT, { message: RATE_LIMIT_MESSAGE })
  RATE_LIMIT_AUTHORIZE?: string;

  @IsOptional() @IsString() @MinLength(1)
  REGISTRATION_POLICY_FILE?: string;

  // RFC 8707: the protected resources this server issues tokens for (docs/configuration.md, "Protected resources")
  @IsOptional() @IsString() @MinLength(1)
  OAUTH_RESOURCES_FILE?: string;

  @IsOptional() @IsIn(['true', 'false'])
  OAUTH_RESOURCES_ALLOW_UNKNOWN?: string;

  @IsOptional() @IsInt() @Min(0)
  REGISTRATION_UNUSED_CLIENT_TTL_SECONDS?: number;

  @IsOptional() @IsInt() @Min(0) @Max(30 * 86400)
  CLIENT_SECRET_ROTATION_GRACE_SECONDS?: number;

  // "*" alone: any origin, without credentials (Fetch standard §3.2.5; docs/configuration.md, CORS)
  @IsOptional() @Matches(/^(\*|(https?:\/\/[^\s/?#*]+)( https?:\/\/[^\s/?#*]+)*)$/, {
    message: 'CORS_ALLOWED_ORIGINS must be "*" or space-separated origins such as https://app.example.com (scheme://host[:port])',
  })
  CORS_ALLOWED_ORIGINS?: string;

  // Fetching client documents (jwks_uri): for tests only — lets the fetcher reach 127.0.0.0/8 and ::1 (docs/configuration.md, "Fetching")
  @IsOptional() @IsIn(['true', 'false'])
  FETCH_ALLOW_LOOPBACK_FOR_TESTS?: string;

  // PEM file of CA certificates trusted for fetches in addition to the system ones (docs/configuration.md, "Fetching")
  @IsOptional() @IsString() @MinLength(1)
  FETCH_EXTRA_CA_FILE?: string;
  // Branding of every HTML page (docs/configuration.md, "Pages")
  @IsOptional() @IsString() @MinLength(1) @MaxLength(60) @Matches(/^[^\p{Cc}\p{Cf}]+$/u, { message: 'BRANDING_PRODUCT_NAME must not contain control or format characters' })
  BRANDING_PRODUCT_NAME?: string;

  @IsOptional() @MaxLength(2048) @Matches(/^https:\/\/[A-Za-z0-9.-]+(:\d+)?\/[!-~]*$/, { message: 'BRANDING_LOGO_URL must be an https URL such as https://cdn.example.com/logo.svg (ASCII, with a path)' })
  BRANDING_LOGO_URL?: string;

  // WCAG 2.2 §1.4.3: white button text on the accent colour needs a contrast of at least 4.5:1
  @IsOptional() @Matches(/^#[0-9a-fA-F]{6}$/, { message: 'BRANDING_ACCENT_COLOR must be a colour as #rrggbb, e.g. #1d4ed8' })
  @ValidateBy({ name: 'accentContrast', validator: { validate: (value: unknown) => typeof value !== 'string' || !/^#[0-9a-fA-F]{6}$/.test(value) || contrastWithWhite(value) >= 4.5, defaultMessage: () => 'BRANDING_ACCENT_COLOR is too light: white text on it needs a contrast of at least 4.5:1 (WCAG 2.2 §1.4.3); choose a darker colour' } })
  BRANDING_ACCENT_COLOR?: string;

  // Login, sessions and the authorization-code flow (docs/configuration.md, docs/authorization-code-flow.md)
  @IsOptional() @IsInt() @Min(10) @Max(15)
  LOGIN_BCRYPT_COST?: number;

  @IsOptional() @IsInt() @Min(8) @Max(64)
  LOGIN_PASSWORD_MIN_LENGTH?: number;

  @IsOptional() @IsIn(['true', 'false'])
  LOGIN_DEMO_USER?: string;

  @IsOptional() @IsInt() @Min(1) @Max(100)
  LOGIN_THROTTLE_MAX_FAILURES?: number;

  @IsOptional() @IsInt() @Min(1) @Max(86400)
  LOGIN_THROTTLE_WINDOW_SECONDS?: number;

  @IsOptional() @IsInt() @Min(1) @Max(10_000)
  LOGIN_THROTTLE_MAX_FAILURES_PER_USERNAME?: number;

  @IsOptional() @IsInt() @Min(1) @Max(10_000)
  LOGIN_PASSWORD_CHECK_MAX_PENDING?: number;

  @IsOptional() @IsInt() @Min(60) @Max(7 * 86400)
  SESSION_IDLE_TTL_SECONDS?: number;

  @IsOptional() @IsInt() @Min(60) @Max(30 * 86400)
  SESSION_ABSOLUTE_TTL_SECONDS?: number;

  // RFC 6749 §4.1.2: a maximum authorization code lifetime of 10 minutes is RECOMMENDED
  @IsOptional() @IsInt() @Min(1) @Max(600)
  OAUTH_CODE_TTL_SECONDS?: number;

  @IsOptional() @IsInt() @Min(1) @Max(86400)
  OAUTH_ACCESS_TOKEN_TTL_SECONDS?: number;

  @IsOptional() @IsInt() @Min(60)
  OAUTH_REFRESH_TOKEN_TTL_SECONDS?: number;

  @IsOptional() @IsInt() @Min(60) @Max(86400)
  OAUTH_ID_TOKEN_TTL_SECONDS?: number;

  @IsOptional() @IsIn(['all', 'public'])
  OAUTH_PKCE_REQUIRED?: string;

  @IsOptional() @IsInt() @Min(3600)
  OAUTH_SIGNING_KEY_ROTATION_SECONDS?: number;

  @IsOptional() @IsInt() @Min(0) @Max(30)
  OAUTH_SIGNING_KEYS_CHECK_SECONDS?: number;

  @IsOptional() @IsString() @MinLength(32)
  OAUTH_KEY_ENCRYPTION_KEY?: string;
}

/** Validates the raw environment and returns every problem, one line per variable. */
export function validateEnvironment(env: Record<string, string | undefined>): EnvironmentVariables {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = plainToInstance(EnvironmentVariables, present, { enableImplicitConversion: true });
  const errors = validateSync(parsed, { skipMissingProperties: false, forbidUnknownValues: false });
  if (errors.length > 0) {
    const lines = errors.map((error) => {
      const messages = Object.values(error.constraints ?? {}).join('; ');
      const shown = SECRET_VARIABLES.has(error.property) ? '(value hidden)' : JSON.stringify(present[error.property]);
      return `  ${error.property}=${shown}: ${messages}`;
    });
    throw new InvalidConfigurationError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed;
}

export class InvalidConfigurationError extends Error {
  override readonly name = 'InvalidConfigurationError';
}

/** WCAG 2.2 contrast ratio of #rrggbb against white (relative luminance, §1.4.3 definition). */
export function contrastWithWhite(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  return 1.05 / (luminance + 0.05);
}
