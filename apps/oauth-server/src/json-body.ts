// String.prototype.isWellFormed (ES2024, Node 20+); tsconfig's lib is ES2023.
/// <reference lib="es2024.string" />
import { InvalidRequestError, OAuthError } from '@app/oauth-errors';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyRequest, RawServerDefault } from 'fastify';

/**
 * Bounds of every application/json request body, checked on the raw bytes before JSON.parse.
 * The deepest body a route needs is a registration's jwks: body → jwks → keys → key → x5c (5);
 * the largest (100 redirect URIs, 100 contacts, 20 keys) has about 700 values.
 * Depth and value count bound what class-transformer walks (it recurses once per value) and
 * what any later walk of the body costs, whatever the byte size (docs/dynamic-client-registration.md).
 */
export const JSON_BODY_LIMITS = { maxDepth: 8, maxValues: 1000 } as const;

type OAuthErrorClass = new (description?: string) => OAuthError;

/**
 * Fastify route config (`@RouteConfig(...)`) naming the error a refused JSON body becomes on that
 * route; without it, invalid_request (RFC 6749 §5.2). RFC 7591 §3.2.2 registration routes name
 * InvalidClientMetadataError.
 */
export interface JsonBodyRouteConfig {
  jsonBodyError?: OAuthErrorClass;
}

/**
 * Why a JSON text breaks JSON_BODY_LIMITS, or undefined. One pass over the bytes, no allocation:
 * brackets outside strings count depth, brackets and commas count values; strings are skipped
 * with Buffer#indexOf (memchr). Stops at the first level too deep. About 0.3 ms for 64 kB of short
 * strings, 0.02 ms for one long string (json-body.spec.ts has no timing; measured by hand).
 * Only decides to refuse; a text this accepts is still parsed (and refused if it is not JSON).
 */
export function jsonLimitViolation(bytes: Buffer, limits = JSON_BODY_LIMITS): string | undefined {
  let depth = 0;
  let values = 0;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (byte === 0x22) {
      // A string: jump to its closing quote (native indexOf), skipping quotes escaped by an odd
      // number of backslashes. Unterminated: leave it to JSON.parse to refuse.
      let end = bytes.indexOf(0x22, i + 1);
      while (end !== -1 && isEscaped(bytes, end)) end = bytes.indexOf(0x22, end + 1);
      if (end === -1) return undefined;
      i = end;
    } else if (byte === 0x7b || byte === 0x5b) {
      if (++depth > limits.maxDepth) return `request body is nested deeper than ${limits.maxDepth} levels`;
      if (++values > limits.maxValues) return `request body has more than ${limits.maxValues} values`;
    } else if (byte === 0x7d || byte === 0x5d) {
      depth--;
    } else if (byte === 0x2c) {
      if (++values > limits.maxValues) return `request body has more than ${limits.maxValues} values`;
    }
  }
  return undefined;
}

function isEscaped(bytes: Buffer, quote: number): boolean {
  let backslashes = 0;
  for (let j = quote - 1; bytes[j] === 0x5c; j--) backslashes++;
  return backslashes % 2 === 1;
}

/**
 * The path of the first string or member name that is not well-formed Unicode (a lone surrogate,
 * which JSON allows as "\ud800" but PostgreSQL text and jsonb refuse), or undefined.
 * Recursion is bounded by JSON_BODY_LIMITS.maxDepth.
 */
export function illFormedStringPath(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return value.isWellFormed() ? undefined : path || '(body)';
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = illFormedStringPath(item, path);
      if (found !== undefined) return found;
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (!key.isWellFormed()) return path ? `${path} (a member name)` : '(a member name)';
      const found = illFormedStringPath(inner, path ? `${path}.${key}` : key);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/**
 * Replaces the default application/json parser: refuses a body past JSON_BODY_LIMITS before it is
 * parsed, parses it with Fastify's own parser (prototype-poisoning protection kept), then refuses
 * ill-formed Unicode anywhere in it. Call before app.init().
 */
export function useBoundedJsonBody(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  const { bodyLimit, onProtoPoisoning, onConstructorPoisoning } = fastify.initialConfig;
  const parseJson = fastify.getDefaultJsonParser(onProtoPoisoning ?? 'error', onConstructorPoisoning ?? 'error');
  app.useBodyParser<RawServerDefault>('application/json', { bodyLimit }, (request, body, done) => {
    const violation = jsonLimitViolation(body);
    if (violation) return done(refusal(request, violation), undefined);
    parseJson(request, body.toString('utf8'), (error, parsed) => {
      if (error) return done(error, undefined);
      const path = illFormedStringPath(parsed);
      // RFC 8259 §8.2: a lone surrogate escape is JSON but not Unicode text; RFC 7591 §2 metadata is Unicode text.
      if (path !== undefined) return done(refusal(request, `${path}: must be well-formed Unicode (no lone surrogates)`), undefined);
      done(null, parsed);
    });
  });
}

function refusal(request: FastifyRequest, description: string): OAuthError {
  const errorClass = (request.routeOptions?.config as JsonBodyRouteConfig | undefined)?.jsonBodyError ?? InvalidRequestError;
  return new errorClass(description);
}
