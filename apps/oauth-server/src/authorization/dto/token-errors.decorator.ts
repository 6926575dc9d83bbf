import { applyDecorators } from '@nestjs/common';
import { ApiBadRequestResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { OAuthErrorDto } from '../../clients/dto/oauth-error.dto';

/** RFC 6749 §5.2 error responses of the token, revocation and introspection endpoints. */
export function ApiTokenErrorResponses(): MethodDecorator {
  return applyDecorators(
    ApiBadRequestResponse({
      description:
        'RFC 6749 §5.2: invalid_request, invalid_grant, unauthorized_client, unsupported_grant_type, invalid_scope',
      type: OAuthErrorDto,
    }),
    ApiUnauthorizedResponse({
      description: 'RFC 6749 §5.2: invalid_client (with WWW-Authenticate: Basic when Basic was used)',
      type: OAuthErrorDto,
    }),
  );
}
