import pino from 'pino';
import { Writable } from 'node:stream';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { lazyChildLoggerFactory } from './lazy-request-logger';
import { loggerOptions } from './logger';

function capture(level: 'warn' | 'info' | 'debug') {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(JSON.parse(String(chunk))), done()) });
  const root = pino(loggerOptions({ level, format: 'json' }), sink);
  const children: unknown[] = [];
  const parent = new Proxy(root, {
    get: (target, name) =>
      name === 'child'
        ? (...args: Parameters<typeof root.child>) => {
            children.push(args[0]);
            return target.child(...args);
          }
        : Reflect.get(target, name, target),
  });
  const requestLog = (options = {}) =>
    lazyChildLoggerFactory.call({} as FastifyInstance, parent as unknown as FastifyBaseLogger, { reqId: 'req-7' }, options, {} as never);
  return { lines, children, requestLog };
}

describe('request.log, made on first use', () => {
  it('a request that writes nothing at the configured level never makes its child logger', () => {
    const { lines, children, requestLog } = capture('warn');
    const log = requestLog();
    log.info({ a: 1 }, 'below warn');
    log.debug('below warn');
    expect(log.level).toBe('warn');
    expect(children).toEqual([]);
    expect(lines).toEqual([]);
  });

  it('a line at or above the level is written by the child, with the request id and the redaction of every line', () => {
    const { lines, children, requestLog } = capture('warn');
    const log = requestLog();
    log.warn({ client_secret: 'SECRET-1', route: '/token' }, 'slow');
    log.error(new Error('boom'));
    expect(children).toEqual([{ reqId: 'req-7' }]); // made once, reused
    expect(lines).toEqual([
      expect.objectContaining({ level: 40, reqId: 'req-7', route: '/token', client_secret: '[redacted]', msg: 'slow' }),
      expect.objectContaining({ level: 50, reqId: 'req-7', msg: 'boom' }),
    ]);
  });

  it("a route's own log level (Fastify's logLevel) counts, and child() hands out a real pino child", () => {
    const { lines, requestLog } = capture('warn');
    const log = requestLog({ level: 'debug' });
    expect(log.level).toBe('debug');
    log.debug('route-level debug');
    log.child({ step: 'x' }).info('from a grandchild');
    expect(lines.map((line) => [line.msg, line.reqId])).toEqual([
      ['route-level debug', 'req-7'],
      ['from a grandchild', 'req-7'],
    ]);
  });
});
