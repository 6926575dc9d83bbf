import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import {
  IsBooleanString,
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
} from 'class-validator';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const REGISTRATION_MODES = ['open', 'protected'] as const;
export const TOKEN_ROTATIONS = ['never', 'on-update', 'on-every-use'] as const;

/**
 * Every environment variable Tessera reads, with its rule. Defaults live in app-config.ts;
 * docs/configuration.md and .env.example list the same names.
 */
export class EnvironmentVariables {
  @IsOptional() @IsInt() @Min(0) @Max(65535)
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

  @IsOptional() @IsBooleanString()
  DATABASE_MIGRATIONS_RUN?: string;

  @IsOptional() @IsInt() @Min(1) @Max(200)
  DATABASE_POOL_SIZE?: number;

  @IsOptional() @IsIn(LOG_LEVELS)
  LOG_LEVEL?: string;

  @IsOptional() @IsIn(['json', 'pretty'])
  LOG_FORMAT?: string;

  @IsOptional() @IsInt() @Min(1024) @Max(10 * 1024 * 1024)
  HTTP_BODY_LIMIT_BYTES?: number;

  @IsOptional() @IsIn(REGISTRATION_MODES)
  REGISTRATION_MODE?: string;

  @IsOptional() @IsString() @MinLength(32) @MaxLength(512)
  REGISTRATION_INITIAL_ACCESS_TOKEN?: string;

  @IsOptional() @IsInt() @Min(60)
  REGISTRATION_TOKEN_TTL_SECONDS?: number;

  @IsOptional() @IsIn(TOKEN_ROTATIONS)
  REGISTRATION_TOKEN_ROTATION?: string;

  @IsOptional() @IsInt() @Min(0) @Max(86400)
  REGISTRATION_TOKEN_GRACE_SECONDS?: number;

  @IsOptional() @IsInt() @Min(0)
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
}

/** Validates the raw environment and returns every problem, one line per variable. */
export function validateEnvironment(env: Record<string, string | undefined>): EnvironmentVariables {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = plainToInstance(EnvironmentVariables, present, { enableImplicitConversion: true });
  const errors = validateSync(parsed, { skipMissingProperties: false, forbidUnknownValues: false });
  if (errors.length > 0) {
    const lines = errors.map((error) => {
      const messages = Object.values(error.constraints ?? {}).join('; ');
      return `  ${error.property}=${JSON.stringify(present[error.property])}: ${messages}`;
    });
    throw new InvalidConfigurationError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed;
}

export class InvalidConfigurationError extends Error {
  override readonly name = 'InvalidConfigurationError';
}
