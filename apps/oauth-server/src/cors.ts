import { AppConfig } from '@app/config';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Public documents: the RFC 8414 / OpenID Connect Discovery metadata and the JWK Set. Anyone may read
 * them (RFC 8414 §3, OIDC Discovery §4), so every origin may, with any request header: MCP clients
 * send `MCP-Protocol-Version` when they fetch the metadata from a browser.
 */
const PUBLIC_PATHS = [/^\/\.well-known\/[^/]+$/, /^\/jwks\.json$/];

/**
 * The endpoints a browser-based client calls from its own page, for the origins in
 * CORS_ALLOWED_ORIGINS: registration and RFC 7592 management, the token, revocation and userinfo
 * endpoints. Never the login and consent pages: those are this server's own documents, and a
 * cross-origin script must not drive them; never introspection, which serves resource servers.
 */
const CLIENT_PATHS = [/^\/register(\/[^/]+)?$/, /^\/token$/, /^\/revoke$/, /^\/userinfo$/];

const PUBLIC_METHODS = 'GET';
const CLIENT_METHODS = 'GET, POST, PUT, DELETE';
const CLIENT_HEADERS = 'Authorization, Content-Type';
// RFC 6750 §3: a browser client must be able to read the Bearer challenge of a 401
const EXPOSED_HEADERS = 'WWW-Authenticate';
const PREFLIGHT_MAX_AGE_SECONDS = '600';
// Fetch standard §3.2.2: Access-Control-Request-Headers is a list of header names (RFC 9110 §5.6.2 tokens)
const HEADER_NAME_LIST = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+(\s*,\s*[!#$%&'*+.^_`|~0-9A-Za-z-]+)*$/;
const MAX_REQUESTED_HEADERS_LENGTH = 1024;

type Cors = { origin: string; publicDocument: boolean };

/**
 * CORS (Fetch standard §3.2). Discovery and the JWK Set answer every origin with
 * `Access-Control-Allow-Origin: *`. The client endpoints answer the origins of CORS_ALLOWED_ORIGINS,
 * echoed back, or every origin with `*` when the setting is `*` (what MCP deployments want: their
 * clients run on origins nobody can list in advance). Never `Access-Control-Allow-Credentials`: these
 * endpoints authenticate with headers and bodies, never with cookies, and the Fetch standard
 * forbids `*` with credentials anyway. Every response varies on Origin.
 *
 * Written here rather than with @fastify/cors: the allow-list depends on the path, which the plugin
 * supports only through a per-request options delegator whose result it re-normalises on every
 * request — about 2 % of the server's CPU per request, almost all of them from servers that send
 * no Origin at all. Here such a request costs one header.
 */
export async function setUpCors(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  const anyOrigin = config.cors.allowedOrigins.includes('*');
  const allowed = new Set(config.cors.allowedOrigins);
  const cors = (request: FastifyRequest): Cors | undefined => {
    const origin = request.headers.origin;
    if (typeof origin !== 'string') return undefined;
    const path = request.url.split('?', 1)[0];
    if (PUBLIC_PATHS.some((pattern) => pattern.test(path))) return { origin: '*', publicDocument: true };
    if (!CLIENT_PATHS.some((pattern) => pattern.test(path))) return undefined;
    if (anyOrigin) return { origin: '*', publicDocument: false };
    return allowed.has(origin) ? { origin, publicDocument: false } : undefined;
  };

  // Before the rate limiter's hook, so a refused request still carries the headers a page needs to read it.
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header('Vary', 'Origin');
    const answer = cors(request);
    if (answer) reply.header('Access-Control-Allow-Origin', answer.origin).header('Access-Control-Expose-Headers', EXPOSED_HEADERS);
    done();
  });

  // A preflight (an OPTIONS request with Access-Control-Request-Method) is answered only where a
  // CORS answer is due; every other OPTIONS request is an unknown route.
  fastify.options('*', (request: FastifyRequest, reply: FastifyReply) => {
    const answer = cors(request);
    if (!answer || typeof request.headers['access-control-request-method'] !== 'string') return reply.callNotFound();
    return reply
      .code(204)
      .header('Access-Control-Allow-Methods', answer.publicDocument ? PUBLIC_METHODS : CLIENT_METHODS)
      .header('Access-Control-Allow-Headers', answer.publicDocument ? publicDocumentHeaders(request) : CLIENT_HEADERS)
      .header('Access-Control-Max-Age', PREFLIGHT_MAX_AGE_SECONDS)
      .header('Content-Length', '0')
      .send();
  });
}

/**
 * Public documents allow whatever headers the preflight asks for (`MCP-Protocol-Version`, tracing
 * headers…), echoed back rather than `*`, which would not cover `Authorization` (Fetch standard
 * §3.2.5). Only a well-formed list of header names is echoed, so nothing else reaches the response.
 */
function publicDocumentHeaders(request: FastifyRequest): string {
  const requested = request.headers['access-control-request-headers'];
  if (typeof requested !== 'string' || requested.length > MAX_REQUESTED_HEADERS_LENGTH || !HEADER_NAME_LIST.test(requested.trim())) {
    return CLIENT_HEADERS;
  }
  return requested.trim();
}
