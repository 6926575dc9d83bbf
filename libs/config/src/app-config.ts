import { InvalidConfigurationError, validateEnvironment } from './environment-variables';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export type RegistrationMode = 'open' | 'protected';
export type TokenRotation = 'never' | 'on-update' | 'on-every-use';

export type DatabaseConfig =
  | { kind: 'postgres'; url: string; poolSize: number; migrationsRun: boolean }
  | { kind: 'pglite'; dataDir: string; migrationsRun: boolean };

export interface AppConfig {
  readonly http: { readonly port: number; readonly host: string; readonly bodyLimitBytes: number };
  /** The public base URL; every URL the server hands out is built from it, never from Host. */
  readonly issuer: string;
  readonly database: DatabaseConfig;
  readonly logging: { readonly level: LogLevel; readonly format: 'json' | 'pretty' };
  readonly registration: {
    readonly mode: RegistrationMode;
    readonly initialAccessToken: string | undefined;
    readonly tokenTtlSeconds: number;
    readonly tokenRotation: TokenRotation;
    readonly tokenGraceSeconds: number;
    readonly clientSecretTtlSeconds: number;
    readonly maxRedirectUris: number;
    readonly maxContacts: number;
  };
  readonly oauth: { readonly scopesSupported: readonly string[] };
  /** HMAC key for stored secret hashes; undefined means "use the key kept in the database". */
  readonly tokenHashKey: string | undefined;
}

export const APP_CONFIG = Symbol('APP_CONFIG');

/** Reads the environment once, applies defaults and returns a frozen, typed configuration. */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const vars = validateEnvironment(env);
  const port = vars.PORT ?? 3000;
  const mode = (vars.REGISTRATION_MODE ?? 'open') as RegistrationMode;
  if (mode === 'protected' && !vars.REGISTRATION_INITIAL_ACCESS_TOKEN) {
    throw new InvalidConfigurationError(
      'Invalid configuration:\n  REGISTRATION_INITIAL_ACCESS_TOKEN: required when REGISTRATION_MODE=protected',
    );
  }
  const migrationsRun = vars.DATABASE_MIGRATIONS_RUN !== 'false';
  const database: DatabaseConfig = vars.DATABASE_URL
    ? { kind: 'postgres', url: vars.DATABASE_URL, poolSize: vars.DATABASE_POOL_SIZE ?? 10, migrationsRun }
    : { kind: 'pglite', dataDir: vars.PGLITE_DATA_DIR ?? './data/pglite', migrationsRun };

  return deepFreeze({
    http: { port, host: vars.HOST ?? '127.0.0.1', bodyLimitBytes: vars.HTTP_BODY_LIMIT_BYTES ?? 65536 },
    issuer: vars.ISSUER ?? `http://localhost:${port}`,
    database,
    logging: {
      level: (vars.LOG_LEVEL ?? 'info') as LogLevel,
      format: (vars.LOG_FORMAT ?? 'json') as 'json' | 'pretty',
    },
    registration: {
      mode,
      initialAccessToken: vars.REGISTRATION_INITIAL_ACCESS_TOKEN,
      tokenTtlSeconds: vars.REGISTRATION_TOKEN_TTL_SECONDS ?? 90 * 24 * 3600,
      tokenRotation: (vars.REGISTRATION_TOKEN_ROTATION ?? 'on-update') as TokenRotation,
      tokenGraceSeconds: vars.REGISTRATION_TOKEN_GRACE_SECONDS ?? 300,
      clientSecretTtlSeconds: vars.CLIENT_SECRET_TTL_SECONDS ?? 0,
      maxRedirectUris: vars.REGISTRATION_MAX_REDIRECT_URIS ?? 20,
      maxContacts: vars.REGISTRATION_MAX_CONTACTS ?? 10,
    },
    oauth: { scopesSupported: (vars.OAUTH_SCOPES_SUPPORTED ?? 'openid profile email').split(' ') },
    tokenHashKey: vars.TOKEN_HASH_KEY,
  });
}

/** Joins a path onto the issuer without doubling or dropping the slash. */
export function issuerUrl(config: Pick<AppConfig, 'issuer'>, path: string): string {
  return `${config.issuer.replace(/\/+$/, '')}${path}`;
}

function deepFreeze<T extends object>(value: T): T {
  for (const inner of Object.values(value)) {
    if (inner && typeof inner === 'object') deepFreeze(inner as object);
  }
  return Object.freeze(value);
}
