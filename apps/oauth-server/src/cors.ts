import { AppConfig } from '@app/config';
import fastifyCors from '@fastify/cors';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';

/**
 * The endpoints a browser-based client calls from its own page (issue 5): registration and RFC 7592
 * management, discovery, the token endpoint and the JWK Set. Never the login and consent pages:
 * those are this server's own documents, and a cross-origin script must not drive them.
 */
const CORS_PATHS = [/^\/register(\/[^/]+)?$/, /^\/\.well-known\/[^/]+$/, /^\/token$/, /^\/jwks\.json$/];

/**
 * CORS with an allow-list of origins (CORS_ALLOWED_ORIGINS): an allowed origin is echoed back with
 * Vary: Origin; anything else, and every other path, gets no CORS headers. No credentials mode:
 * these endpoints authenticate with headers and bodies, never with cookies.
 */
export async function setUpCors(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  const allowed = new Set(config.cors.allowedOrigins);
  const options = {
    methods: ['GET', 'POST', 'PUT', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type'],
    // RFC 6750 §3: a browser client must be able to read the Bearer challenge of a 401
    exposedHeaders: ['WWW-Authenticate'],
    credentials: false,
    maxAge: 600,
  };
  const disabled = { ...options, origin: false };
  await app.register(fastifyCors, {
    hideOptionsRoute: true,
    delegator: (request: FastifyRequest, callback) => {
      const origin = request.headers.origin;
      // Most requests (servers, not browsers) send no Origin: nothing to match or allocate for them.
      if (typeof origin !== 'string' || !allowed.has(origin)) return callback(null, disabled);
      const path = request.url.split('?', 1)[0];
      callback(null, CORS_PATHS.some((pattern) => pattern.test(path)) ? { ...options, origin } : disabled);
    },
  });
}
