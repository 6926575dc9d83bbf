import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { OAuthError } from './oauth-error';
import { InvalidRequestError } from './rfc6749.errors';

type OAuthErrorClass = new (description?: string) => OAuthError;

/**
 * The global validation pipe, with failures turned into RFC errors that name the offending field.
 * Unknown members are stripped, never rejected (RFC 6749 §3.1, RFC 7591 §2: MUST be ignored).
 */
export function oauthValidationPipe(errorClass: OAuthErrorClass = InvalidRequestError): ValidationPipe {
  return new OAuthValidationPipe(errorClass);
}

class OAuthValidationPipe extends ValidationPipe {
  constructor(private readonly errorClass: OAuthErrorClass) {
    super({
      whitelist: true,
      transform: true,
      forbidUnknownValues: false,
      validationError: { target: false, value: false },
      exceptionFactory: (errors) => new errorClass(describeValidationErrors(errors)),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && metadata.metatype && metadata.metatype !== Object) {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new this.errorClass('request body must be a JSON object');
      }
    }
    return super.transform(value, metadata);
  }
}

/** "redirect_uris must be an array; scope must be a string" — the first failure of each field. */
export function describeValidationErrors(errors: ValidationError[], parent = ''): string {
  const messages: string[] = [];
  for (const error of errors) {
    const path = parent ? `${parent}.${error.property}` : error.property;
    const constraints = Object.values(error.constraints ?? {});
    if (constraints.length > 0) messages.push(constraints[0]);
    if (error.children?.length) messages.push(describeValidationErrors(error.children, path));
  }
  return messages.filter(Boolean).join('; ');
}
