import type { AppConfig, RateLimitName } from '@app/config';
import { installRequestLogging, routePattern } from '@app/logging';
import { TooManyRequestsError } from '@app/oauth-errors';
import fastifyHelmet, { FastifyHelmetOptions } from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import Fastify, { FastifyInstance, RouteOptions } from 'fastify';
import Redis from 'ioredis';
import { GRANT_TYPES as GRANT_TYPE_LIST } from './clients/client-metadata';
import { clientAddressKey } from './login/client-address';
import { MetricsService } from './metrics/metrics.service';
import { fallbackRateLimitStore } from './rate-limit-store';

/**
 * Which routes are rate-limited, and by which limit of RATE_LIMIT_*. Keyed by method and route
 * pattern, applied when a route is registered: a module that adds one of these routes (the login
 * form, the token endpoint) is limited from its first request without touching this file.
 */
export const RATE_LIMITED_ROUTES: Readonly<Record<string, RateLimitName>> = {
  'POST /register': 'register',
  'GET /register/:clientId': 'management',
  'PUT /register/:clientId': 'management',
  'DELETE /register/:clientId': 'management',
  'POST /login': 'login',
  'POST /token': 'token',
  // RFC 7009 revocation authenticates the client like /token: same brute-force surface, same limit.
  'POST /revoke': 'token',
  // RFC 7662 §4: the endpoint must resist token scanning; every call also authenticates a client.
  'POST /introspect': 'introspect',
  // RFC 6749 §10.10 (credentials guessing): each call verifies a presented access token, a guess included.
  'GET /userinfo': 'userinfo',
  'POST /userinfo': 'userinfo',
  // /authorize looks up a client and renders a page for anyone who asks; the decision form is the
  // consent step of a signed-in user. Neither is free, so a flood from one address is refused early.
  'GET /authorize': 'authorize',
  'POST /authorize': 'authorize',
  'POST /authorize/decision': 'authorize',
};

/**
 * The operational layer around every route: request logging, request metrics, security headers
 * and rate limits. Must run before any route is registered (before Swagger and app.init()).
 */
export async function setUpOperations(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  installRequestLogging(fastify);

  const metrics = app.get(MetricsService);
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = routePattern(request);
    metrics.observeRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    if (request.method === 'POST') countOutcome(metrics, route, reply.statusCode, request.body);
    done();
  });

  await setUpSecurityHeaders(fastify, config.branding.logoUrl);
  if (config.rateLimit.enabled) await setUpRateLimits(app, fastify, config);
}

const GRANT_TYPES: ReadonlySet<string> = new Set(GRANT_TYPE_LIST);
const LOGIN_FAILURES: Record<number, string> = { 400: 'missing_credentials', 401: 'invalid_credentials', 403: 'csrf', 429: 'throttled' };

/**
 * Token issuance and login failures, read off the HTTP outcome of the two endpoints so that the
 * modules serving them need no metrics code: RFC 6749 §5.1 success is 200 on /token (labelled by
 * the request's grant_type, bounded to known values), and a login that does not redirect failed.
 */
function countOutcome(metrics: MetricsService, route: string, status: number, body: unknown): void {
  if (route === '/token' && status === 200) {
    const grantType = (body as { grant_type?: unknown } | undefined)?.grant_type;
    metrics.tokensIssued.inc({ grant_type: typeof grantType === 'string' && GRANT_TYPES.has(grantType) ? grantType : 'other' });
  } else if (route === '/login' && LOGIN_FAILURES[status]) {
    metrics.loginFailures.inc({ reason: LOGIN_FAILURES[status] });
  }
}

const HELMET_OPTIONS: FastifyHelmetOptions = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      baseUri: ["'none'"],
      objectSrc: ["'none'"],
      scriptSrc: ["'self'"],
      scriptSrcAttr: ["'none'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      // Clickjacking: no page of ours may be framed (the login and consent forms above all).
      frameAncestors: ["'none'"],
      // No form-action: browsers apply it to the redirect after the login/consent POST, which
      // goes to the client's redirect_uri (RFC 6749 §4.1.2) on another origin.
    },
  },
  frameguard: { action: 'deny' },
  // HSTS only over https (below): on plain http it is meaningless and breaks local use.
  hsts: false,
  crossOriginEmbedderPolicy: false,
};

/**
 * The headers @fastify/helmet sets with HELMET_OPTIONS, read once from a throwaway instance. They
 * do not depend on the request (no CSP nonces), and the plugin rebuilds its whole middleware (CSP
 * parsing included) on every request, so every page gets them from this list instead.
 */
async function helmetHeaders(): Promise<[string, string | number | string[]][]> {
  const probe = Fastify();
  await probe.register(fastifyHelmet, HELMET_OPTIONS);
  probe.get('/', (request, reply) => reply.send(reply.raw.getHeaders()));
  const response = await probe.inject({ method: 'GET', url: '/' });
  await probe.close();
  return Object.entries(response.json<Record<string, string | number | string[]>>());
}

/**
 * What every response carries, API or page (OWASP REST Security Cheat Sheet, "Security headers"):
 * nothing of ours may be framed or run as a document, nor sniffed into another type, nor read by
 * another site's no-cors request.
 */
const API_CSP = "default-src 'none'; frame-ancestors 'none'";
const EVERY_RESPONSE: [string, string][] = [
  ['Content-Security-Policy', API_CSP],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-Frame-Options', 'DENY'],
  ['Cross-Origin-Resource-Policy', 'same-origin'],
];

async function setUpSecurityHeaders(fastify: FastifyInstance, logoUrl: string | undefined): Promise<void> {
  // The rest of helmet's set (referrer policy, opener policy, the document CSP, …) only means
  // something for a document, so it goes on HTML responses alone: an API response carries 4 headers
  // instead of 11, which Node validates and serialises on every request.
  const documentHeaders = (await helmetHeaders())
    .filter(([name]) => !/^(x-content-type-options|x-frame-options|cross-origin-resource-policy)$/i.test(name))
    // The operator's logo (BRANDING_LOGO_URL) is the one image from another origin every page shows.
    .map(([name, value]): [string, string | number | string[]] =>
      logoUrl && name.toLowerCase() === 'content-security-policy' ? [name, String(value).replace("img-src 'self' data:", `img-src 'self' data: ${new URL(logoUrl).origin}`)] : [name, value],
    );
  fastify.addHook('onRequest', (request, reply, done) => {
    for (const [name, value] of EVERY_RESPONSE) reply.raw.setHeader(name, value);
    done();
  });
  fastify.addHook('onSend', (request, reply, payload, done) => {
    if (request.protocol === 'https') reply.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    // Secure default: nothing is cacheable unless its route says so (discovery does). Responses
    // that carry secrets (RFC 6749 §5.1, RFC 7591 §3.2.1) also set no-store themselves.
    if (!reply.hasHeader('cache-control')) reply.header('Cache-Control', 'no-store');
    const type = reply.getHeader('content-type');
    if (typeof type === 'string' && type.startsWith('text/html')) {
      // A page that set its own CSP (the consent page allows the client's logo) keeps it.
      const ownCsp = reply.getHeader('content-security-policy') !== API_CSP;
      for (const [name, value] of documentHeaders) {
        if (ownCsp && name === 'content-security-policy') continue;
        reply.header(name, value);
      }
    }
    done(null, payload);
  });
}

async function setUpRateLimits(app: NestFastifyApplication, fastify: FastifyInstance, config: AppConfig): Promise<void> {
  // Attach the configured limit to matching routes; runs before the plugin's own onRoute hook.
  fastify.addHook('onRoute', (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const name = methods.map((method) => RATE_LIMITED_ROUTES[`${method} ${route.url}`]).find(Boolean);
    if (!name) return;
    const limit = config.rateLimit.limits[name];
    route.config = { ...(route.config as object), rateLimit: { max: limit.max, timeWindow: limit.windowSeconds * 1000 } };
  });
  const redis = config.rateLimit.redisUrl
    ? // No offline queue and a command timeout: while Redis is away a request is counted in memory at once, never held.
      new Redis(config.rateLimit.redisUrl, { connectTimeout: 1000, commandTimeout: 500, maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true })
    : undefined;
  if (redis) {
    redis.on('error', (error: Error) => fastify.log.warn({ err: error }, 'rate-limit Redis unavailable; counting in memory per instance meanwhile'));
    // Connected before the first request; if Redis is down at start-up we start anyway and ioredis keeps retrying.
    await redis.connect().catch(() => undefined);
    fastify.addHook('onClose', async () => {
      redis.disconnect();
    });
  }
  await app.register(fastifyRateLimit, {
    global: false,
    // Redis down: the in-memory limiter takes over (rate-limit-store.ts); no request goes unlimited.
    store: redis ? fallbackRateLimitStore(redis, 'tessera-rate-limit:', (error) => fastify.log.warn({ err: error }, 'rate-limit Redis command failed; counted in memory')) : undefined,
    skipOnError: false,
    // An IPv6 client counts by its /64 (login/client-address.ts): one subscriber, one limit.
    keyGenerator: (request) => clientAddressKey(request.ip),
    errorResponseBuilder: (_request, context) =>
      new TooManyRequestsError(`rate limit exceeded: at most ${context.max} requests in this window; retry in ${context.after}`),
  });
}
