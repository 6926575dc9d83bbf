import { WorkerPoolFullError } from '@app/worker-pool';
import { HttpException } from '@nestjs/common';
import { OAuthError } from './oauth-error';
import { isDatabaseUnavailable } from './database-unavailable';
import { InvalidRequestError, ServerError, TemporarilyUnavailableError } from './rfc6749.errors';

interface FrameworkError {
  code?: string;
  statusCode?: number;
}

/**
 * Maps anything thrown while serving a request onto the OAuthError family, so that every answer,
 * including the framework's own rejections, has the RFC 6749 §5.2 shape and never a class name.
 * Returns a ServerError for anything unexpected; the caller logs it.
 */
export function toOAuthError(exception: unknown): OAuthError {
  if (exception instanceof OAuthError) return exception;
  // RFC 6749 §4.1.2.1: temporarily_unavailable (503 + Retry-After, added by the filter) while the
  // database cannot be reached; the client retries, and nothing was acknowledged that is not committed.
  // The worker pool refusing work (queue full) is overload: the same answer, retry later.
  if (isDatabaseUnavailable(exception) || exception instanceof WorkerPoolFullError) {
    return new TemporarilyUnavailableError('the service is temporarily unavailable; retry later', { cause: exception });
  }
  // Nest wraps Fastify's own 4xx errors (body parsing, size) in an HttpException; look at the cause.
  const cause = exception instanceof HttpException ? exception.cause : undefined;
  const framework = ((cause as FrameworkError | undefined)?.code ? cause : exception ?? {}) as FrameworkError;
  switch (framework.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new InvalidRequestError('request body is larger than the server accepts', { status: 413 });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new InvalidRequestError('unsupported Content-Type; send application/json', { status: 415 });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new InvalidRequestError('request body is empty; send a JSON object');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new InvalidRequestError('request body is not valid JSON');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new InvalidRequestError('Content-Length does not match the request body');
  }
  if (exception instanceof SyntaxError && framework.statusCode === 400) {
    return new InvalidRequestError('request body is not valid JSON');
  }
  if (exception instanceof HttpException) return fromHttpException(exception);
  if (typeof framework.statusCode === 'number' && framework.statusCode >= 400 && framework.statusCode < 500) {
    return new InvalidRequestError('the request could not be processed', { status: framework.statusCode });
  }
  return new ServerError('the server could not complete the request', { cause: exception });
}

function fromHttpException(exception: HttpException): OAuthError {
  const status = exception.getStatus();
  if (status >= 500) return new ServerError('the server could not complete the request', { cause: exception });
  if (status === 404) return new InvalidRequestError('no such endpoint', { status });
  if (status === 405) return new InvalidRequestError('method not allowed on this endpoint', { status });
  return new InvalidRequestError(exception.message, { status });
}
