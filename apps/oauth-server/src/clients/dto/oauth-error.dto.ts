import { applyDecorators } from '@nestjs/common';
import { ApiBadRequestResponse, ApiProperty, ApiPropertyOptional, ApiResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';

/** The error body of RFC 6749 §5.2 / RFC 7591 §3.2.2, as documented in Swagger. */
export class OAuthErrorDto {
  @ApiProperty({ example: 'invalid_client_metadata' })
  error: string;

  @ApiPropertyOptional({ example: "grant_types: 'implicit' is not allowed by this server (RFC 9700)" })
  error_description?: string;
}

/** The error responses every registration route documents. */
export function ApiOAuthErrorResponses(route: 'registration' | 'management' | 'update'): MethodDecorator {
  const decorators: MethodDecorator[] = [];
  if (route !== 'management') {
    decorators.push(
      ApiBadRequestResponse({
        description:
          'RFC 7591 §3.2.2: invalid_redirect_uri or invalid_client_metadata (invalid_request for malformed JSON' +
          (route === 'update' ? ', a client_id mismatch, a wrong client_secret or a server-assigned field' : '') +
          ')',
        type: OAuthErrorDto,
      }),
      ApiResponse({ status: 413, description: 'invalid_request: body larger than HTTP_BODY_LIMIT_BYTES', type: OAuthErrorDto }),
      ApiResponse({ status: 415, description: 'invalid_request: Content-Type is not application/json', type: OAuthErrorDto }),
    );
  }
  decorators.push(
    ApiUnauthorizedResponse({
      description:
        route === 'registration'
          ? 'RFC 6750 §3.1: missing or wrong initial access token (REGISTRATION_MODE=protected only)'
          : 'RFC 6750 §3.1: missing, invalid, expired or revoked registration access token, or one for another client',
      type: OAuthErrorDto,
    }),
  );
  return applyDecorators(...decorators);
}
