import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify';
import pino, { Bindings, ChildLoggerOptions, LevelWithSilent } from 'pino';

type LevelName = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * Fastify's per-request logger (`request.log`), made on first use. Fastify builds a pino child for
 * every request, and with REDACTED_PATHS pino runs the redaction over its bindings: ~5 µs a request,
 * although below LOG_LEVEL most requests never write a line. The request-completed line is written
 * through the parent with the request id in it (request-logging.ts), so this child exists only for
 * what else a request logs: Fastify's own errors, a hook's warning.
 */
export const lazyChildLoggerFactory: NonNullable<FastifyServerOptions['childLoggerFactory']> = (logger, bindings, options) =>
  new LazyRequestLogger(logger, bindings, options) as unknown as FastifyBaseLogger;

class LazyRequestLogger {
  private made: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  get level(): LevelWithSilent {
    return (this.made?.level ?? this.options.level ?? this.parent.level) as LevelWithSilent;
  }

  set level(level: LevelWithSilent) {
    this.logger().level = level;
  }

  fatal(...args: unknown[]): void {
    this.write('fatal', args);
  }
  error(...args: unknown[]): void {
    this.write('error', args);
  }
  warn(...args: unknown[]): void {
    this.write('warn', args);
  }
  info(...args: unknown[]): void {
    this.write('info', args);
  }
  debug(...args: unknown[]): void {
    this.write('debug', args);
  }
  trace(...args: unknown[]): void {
    this.write('trace', args);
  }
  silent(): void {}

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.logger().child(bindings, options);
  }

  isLevelEnabled(level: string): boolean {
    return levelEnabled(level, this.level);
  }

  private write(level: LevelName, args: unknown[]): void {
    if (!levelEnabled(level, this.level)) return;
    (this.logger()[level] as (...a: unknown[]) => void)(...args);
  }

  private logger(): FastifyBaseLogger {
    this.made ??= this.parent.child(this.bindings, this.options);
    return this.made;
  }
}

/**
 * Whether a logger at `threshold` writes lines of `level`. 'silent' writes nothing; a threshold pino
 * does not know (a custom logger's level) counts as writing everything.
 */
export function levelEnabled(level: string, threshold: string): boolean {
  const value = pino.levels.values[level];
  const limit = pino.levels.values[threshold];
  return value !== undefined && (limit === undefined ? threshold !== 'silent' : value >= limit);
}
