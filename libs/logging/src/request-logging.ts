import { randomUUID } from 'node:crypto';
import { LogController } from 'fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { lazyChildLoggerFactory, levelEnabled } from './lazy-request-logger';
import { RequestContext, runWithRequestContext } from './request-context';

// Accepted X-Request-Id values: short and log-safe, so a caller cannot forge log lines or flood them.
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Routes polled by probes and scrapers: their lines go out at debug so they don't drown the rest. */
const QUIET_ROUTES = new Set(['/health/live', '/health/ready', '/metrics']);

/**
 * Fastify options for request ids (a well-formed X-Request-Id, else a generated one) and for the
 * per-request logger, which is made only when something logs through it.
 */
export function requestIdOptions(): Pick<FastifyServerOptions, 'genReqId' | 'requestIdHeader' | 'logController' | 'childLoggerFactory'> {
  return {
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    // Fastify's own two lines per request (which log the raw URL) are replaced by ours below.
    logController: new LogController({ requestIdLogLabel: 'reqId', disableRequestLogging: true }),
    childLoggerFactory: lazyChildLoggerFactory,
  };
}

const CONTEXT = Symbol('requestContext');

interface LoggedRequest extends FastifyRequest {
  registeredClient?: { clientId: string };
  [CONTEXT]?: RequestContext;
}

/**
 * One log line per request: reqId (from the logger's bindings), method, the route pattern (never the
 * raw URL, which can carry ids, codes or state), status, latency and client_id when known.
 * Also echoes the request id and opens the request context used by the audit trail.
 */
export function installRequestLogging(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request: LoggedRequest, reply, done) => {
    reply.header('X-Request-Id', request.id);
    const context: RequestContext = { reqId: request.id, ip: request.ip };
    request[CONTEXT] = context; // onResponse runs outside the async context
    runWithRequestContext(context, done);
  });
  // LOG_LEVEL=debug: what a request carried, for tracing a client's mistake. Its headers and body
  // hold every kind of secret (Authorization, Cookie, client_secret, code, password…): the redaction
  // paths of logger.ts replace them, which test/e2e/operations/log-redaction.e2e-spec.ts proves.
  fastify.addHook('preHandler', (request: LoggedRequest, _reply, done) => {
    if (levelEnabled('debug', fastify.log.level)) {
      fastify.log.debug({ reqId: request.id, method: request.method, route: routePattern(request), headers: request.headers, body: request.body }, 'request received');
    }
    done();
  });
  fastify.addHook('onResponse', (request: LoggedRequest, reply: FastifyReply, done) => {
    const route = routePattern(request);
    const level = QUIET_ROUTES.has(route) ? 'debug' : 'info';
    // Below LOG_LEVEL (warn in production) the line would be dropped: do not build it.
    if (!levelEnabled(level, fastify.log.level)) return done();
    const clientId = request.registeredClient?.clientId ?? request[CONTEXT]?.clientId;
    // Through the server's logger with the request id in the line, so that request.log (made on
    // first use, lazy-request-logger.ts) is not made for every request just for this line.
    const line = {
      reqId: request.id,
      method: request.method,
      route,
      status: reply.statusCode,
      latency_ms: Math.round(reply.elapsedTime * 100) / 100,
      ...(clientId ? { client_id: clientId } : {}),
    };
    fastify.log[level](line, 'request completed');
    done();
  });
}

/** The route as registered (`/register/:clientId`); unmatched requests share one label. */
export function routePattern(request: FastifyRequest): string {
  return request.routeOptions?.url ?? '(no route)';
}
