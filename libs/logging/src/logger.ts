import type { LoggerService } from '@nestjs/common';
import pino, { Logger, LoggerOptions } from 'pino';
import type { LogLevel } from '@app/config';

/**
 * Paths pino replaces with "[redacted]": credentials in headers and every secret-bearing field
 * of the bodies and objects we might log. Never log a token, secret, code, verifier or cookie.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  '*.client_secret',
  '*.registration_access_token',
  '*.initial_access_token',
  '*.password',
  '*.code',
  '*.code_verifier',
  '*.access_token',
  '*.refresh_token',
  '*.id_token',
  'client_secret',
  'registration_access_token',
  'password',
  'code_verifier',
];

export function loggerOptions(options: { level: LogLevel; format: 'json' | 'pretty' }): LoggerOptions {
  return {
    level: options.level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
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
  constructor(private readonly logger: Logger) {}

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

  private write(level: Level, message: unknown, params: unknown[]): void {
    // Nest appends the context (the class name) as the last string parameter.
    const context = params.length > 0 && typeof params[params.length - 1] === 'string' ? params.pop() : undefined;
    const text = params.find((param): param is string => typeof param === 'string');
    const target = context ? this.logger.child({ context }) : this.logger;
    if (message !== null && typeof message === 'object') {
      target[level](message as object, text);
    } else {
      target[level](String(message));
    }
  }
}
