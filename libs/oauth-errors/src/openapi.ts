import { ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';

/** The error body of RFC 6749 §5.2 / RFC 6750 §3 / RFC 7591 §3.2.2, as sent by OAuthExceptionFilter. */
export class OAuthErrorDto {
  @ApiProperty({ description: 'The RFC error code.', example: 'invalid_request' })
  error: string;

  @ApiPropertyOptional({ description: 'Human-readable, RFC 6749 §5.2 character set (no quote, no backslash).' })
  error_description?: string;
}

/** One documented error body: its summary in the Swagger UI drop-down and the body sent. */
export interface OAuthErrorExample {
  summary: string;
  error: string;
  error_description?: string;
}

export interface OAuthErrorResponseOptions {
  status: 400 | 401 | 403 | 413 | 415;
  description: string;
  examples: Record<string, OAuthErrorExample>;
  /** RFC 6750 §3 / RFC 7235 §4.1: the challenge sent with this status, documented as a header. */
  challenge?: string;
}

/**
 * One error status of an endpoint with its own, true example bodies (each one is a body the server
 * sends; test/e2e/openapi/openapi-document.e2e-spec.ts replays some of them), instead of one shared
 * example for every status.
 */
export function ApiOAuthErrorResponse({ status, description, examples, challenge }: OAuthErrorResponseOptions): MethodDecorator {
  return ApiResponse({
    status,
    description,
    type: OAuthErrorDto,
    examples: Object.fromEntries(
      Object.entries(examples).map(([name, { summary, error, error_description }]) => [
        name,
        { summary, value: error_description === undefined ? { error } : { error, error_description } },
      ]),
    ),
    headers: {
      'Cache-Control': { description: 'no-store (RFC 6749 §5.1)', schema: { type: 'string' } },
      ...(challenge ? { 'WWW-Authenticate': { description: challenge, schema: { type: 'string' } } } : {}),
    },
  });
}

/** The two framework-level refusals of a request body, shared by every endpoint that takes one. */
export const BODY_TOO_LARGE: OAuthErrorResponseOptions = {
  status: 413,
  description: 'The body is larger than HTTP_BODY_LIMIT_BYTES (default 65536).',
  examples: {
    too_large: { summary: 'Body too large', error: 'invalid_request', error_description: 'request body is larger than the server accepts' },
  },
};

export const NOT_JSON: OAuthErrorResponseOptions = {
  status: 415,
  description: 'The Content-Type is not application/json.',
  examples: {
    not_json: { summary: 'Wrong Content-Type', error: 'invalid_request', error_description: 'unsupported Content-Type; send application/json' },
  },
};
