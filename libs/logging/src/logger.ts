import type { LoggerService } from '@nestjs/common';
import pino, { Logger, LoggerOptions } from 'pino';
import type { LogLevel } from '@app/config';
import { serializeError } from './error-serializer';
import { currentRequestContext } from './request-context';

/**
 * Fields that carry secrets wherever they appear: RFC 6749 codes and tokens, RFC 7636 verifiers,
 * RFC 7591/7592 client secrets and registration/initial access tokens, passwords, credentials, and
 * the CSRF field of the login and consent forms (the same value as its cookie).
 */
export const SECRET_FIELDS = [
  'client_secret',
  'registration_access_token',
  'initial_access_token',
  'password',
  'code',
  'code_verifier',
  'access_token',
  'refresh_token',
  'id_token',
  'client_assertion',
  'assertion',
  'token',
  'authorization',
  'cookie',
  'csrf_token',
];

/**
 * Paths pino replaces with "[redacted]": credential headers, and every secret field at the top
 * level and two levels down (pino paths are not recursive). Never log a token, secret, code,
 * verifier or cookie; logger.spec.ts and test/e2e/operations/log-redaction.e2e-spec.ts prove it.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'headers["set-cookie"]',
  ...SECRET_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]),
  // Named so that pino gives censor() the whole path under these keys (under `*` it gets only the
  // tail), and censor() keeps the error code there.
  'err.code',
  'error.code',
];

/** Fields that hold an error: the `code` inside one is diagnostics, not a secret. */
const ERROR_FIELDS = new Set(['err', 'error', 'cause', 'aggregateErrors']);

/**
 * What replaces a redacted value. `code` is the RFC 6749 §4.1.2 authorization code wherever it is
 * a field of a request, but inside an error it is Node's or PostgreSQL's error code (ECONNREFUSED,
 * 23505), which an operator needs: error-serializer.spec.ts "an error's code stays readable…" checks both.
 */
export function censor(value: unknown, path: string[]): unknown {
  if (path[path.length - 1] === 'code' && path.length > 1 && ERROR_FIELDS.has(path[path.length - 2])) return value;
  return '[redacted]';
}

export function loggerOptions(options: { level: LogLevel; format: 'json' | 'pretty' }): LoggerOptions {
  return {
    level: options.level,
    redact: { paths: REDACTED_PATHS, censor },
    // Database errors without their parameters (error-serializer.ts); Fastify keeps this one too.
    serializers: { err: serializeError, error: serializeError },
    hooks: {
      // Without a message pino writes err.message as the line's msg, past the serializer: use the
      // serialized one, which has a database error's quoted value cut out.
      logMethod(args, method) {
        const [first, text] = args as unknown[];
        if (text === undefined && first !== null && typeof first === 'object') {
          const error = first instanceof Error ? first : (first as { err?: unknown }).err;
          const message = (serializeError(error) as { message?: unknown } | undefined)?.message;
          if (error instanceof Error && typeof message === 'string') return method.call(this, first, message);
        }
        return method.apply(this, args);
      },
    },
  };
}

/** The process logger; `fd` 2 sends it to stderr (the CLI keeps stdout for its own output). */
export function createLogger(options: { level: LogLevel; format: 'json' | 'pretty' }, fd: 1 | 2 = 1): Logger {
  if (options.format === 'pretty') {
    return pino({ ...loggerOptions(options), transport: { target: 'pino-pretty', options: { singleLine: true, destination: fd } } });
  }
  return pino(loggerOptions(options), pino.destination({ fd, sync: fd === 2 }));
}

type Level = 'info' | 'error' | 'warn' | 'debug' | 'trace' | 'fatal';

/** Routes Nest's Logger (context = class name) into the same pino logger Fastify uses. */
export class PinoNestLogger implements LoggerService {
  private readonly children = new Map<string, Logger>();

  /** `moduleLevels` (LOG_LEVEL_MODULES) sets the level of single contexts, e.g. { SweeperService: 'debug' }. */
  constructor(
    private readonly logger: Logger,
    private readonly moduleLevels: Readonly<Record<string, LogLevel>> = {},
  ) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private forContext(context: string): Logger {
    let child = this.children.get(context);
    if (!child) {
      const level = this.moduleLevels[context];
      child = this.logger.child({ context }, level ? { level } : undefined);
      this.children.set(context, child);
    }
    return child;
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    // Nest appends the context (the class name) as the last string parameter.
    const context = params.length > 0 && typeof params[params.length - 1] === 'string' ? params.pop() : undefined;
    const text = params.find((param): param is string => typeof param === 'string');
    let target = context ? this.forContext(context as string) : this.logger;
    // Below the level nothing is written: skip the per-request child logger and its redaction setup.
    if (!target.isLevelEnabled(level)) return;
    // Lines written while serving a request carry its id, like Fastify's own request logger.
    const reqId = currentRequestContext()?.reqId;
    if (reqId && !(message !== null && typeof message === 'object' && 'reqId' in message)) target = target.child({ reqId });
    if (message !== null && typeof message === 'object') {
      target[level](message as object, text);
    } else {
      target[level](String(message));
    }
  }
}
