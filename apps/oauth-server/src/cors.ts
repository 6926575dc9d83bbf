import { AppConfig } from '@app/config';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * The endpoints a browser-based client calls from its own page (issue 5): registration and RFC 7592
 * management, discovery, the token endpoint and the JWK Set. Never the login and consent pages:
 * those are this server's own documents, and a cross-origin script must not drive them.
 */
const CORS_PATHS = [/^\/register(\/[^/]+)?$/, /^\/\.well-known\/[^/]+$/, /^\/token$/, /^\/jwks\.json$/];

const ALLOWED_METHODS = 'GET, POST, PUT, DELETE';
const ALLOWED_HEADERS = 'Authorization, Content-Type';
// RFC 6750 §3: a browser client must be able to read the Bearer challenge of a 401
const EXPOSED_HEADERS = 'WWW-Authenticate';
const PREFLIGHT_MAX_AGE_SECONDS = '600';

/**
 * CORS (Fetch standard §3.2) with an allow-list of origins (CORS_ALLOWED_ORIGINS): an allowed origin
 * on a CORS path is echoed back; anything else gets no CORS headers. Every response varies on
 * Origin. No credentials mode: these endpoints authenticate with headers and bodies, never with
 * cookies.
 *
 * Written here rather than with @fastify/cors: the allow-list depends on the path, which the plugin
 * supports only through a per-request options delegator whose result it re-normalises on every
 * request — about 2 % of the server's CPU per request, almost all of them from servers that send
 * no Origin at all. Here such a request costs one header.
 */
export async function setUpCors(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  const allowed = new Set(config.cors.allowedOrigins);
  const allowedOrigin = (request: FastifyRequest): string | undefined => {
    const origin = request.headers.origin;
    if (typeof origin !== 'string' || !allowed.has(origin)) return undefined;
    const path = request.url.split('?', 1)[0];
    return CORS_PATHS.some((pattern) => pattern.test(path)) ? origin : undefined;
  };

  // Before the rate limiter's hook, so a refused request still carries the headers a page needs to read it.
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header('Vary', 'Origin');
    const origin = allowedOrigin(request);
    if (origin) reply.header('Access-Control-Allow-Origin', origin).header('Access-Control-Expose-Headers', EXPOSED_HEADERS);
    done();
  });

  // A preflight (an OPTIONS request with Access-Control-Request-Method) is answered only for an
  // allowed origin on a CORS path; every other OPTIONS request is an unknown route.
  fastify.options('*', (request: FastifyRequest, reply: FastifyReply) => {
    if (!allowedOrigin(request) || typeof request.headers['access-control-request-method'] !== 'string') return reply.callNotFound();
    return reply
      .code(204)
      .header('Access-Control-Allow-Methods', ALLOWED_METHODS)
      .header('Access-Control-Allow-Headers', ALLOWED_HEADERS)
      .header('Access-Control-Max-Age', PREFLIGHT_MAX_AGE_SECONDS)
      .header('Content-Length', '0')
      .send();
  });
}
