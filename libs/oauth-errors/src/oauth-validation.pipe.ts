import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { OAuthError } from './oauth-error';
import { InvalidRequestError } from './rfc6749.errors';

type OAuthErrorClass = new (description?: string) => OAuthError;

/**
 * A DTO names the RFC error its validation failures become, e.g.
 * `static readonly validationError = InvalidClientMetadataError` (RFC 7591 §3.2.2);
 * without it they are `invalid_request` (RFC 6749 §5.2).
 */
export interface ValidatedDto {
  validationError?: OAuthErrorClass;
}

/**
 * The global validation pipe, with failures turned into RFC errors that name the offending field.
 * Unknown members are stripped, never rejected (RFC 6749 §3.1, RFC 7591 §2: MUST be ignored).
 */
export function oauthValidationPipe(): ValidationPipe {
  return new OAuthValidationPipe();
}

class OAuthValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      transform: true,
      forbidUnknownValues: false,
      validationError: { target: false, value: false },
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const errorClass = (metadata.metatype as ValidatedDto | undefined)?.validationError ?? InvalidRequestError;
    if (metadata.type === 'body' && metadata.metatype && metadata.metatype !== Object) {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new errorClass('request body must be a JSON object');
      }
    }
    try {
      return await super.transform(value, metadata);
    } catch (error) {
      if (error instanceof ValidationFailure) throw new errorClass(describeValidationErrors(error.errors));
      throw error;
    }
  }

  override createExceptionFactory() {
    return (errors: ValidationError[] = []) => new ValidationFailure(errors);
  }
}

class ValidationFailure extends Error {
  constructor(readonly errors: ValidationError[]) {
    super('validation failed');
  }
}
/** "redirect_uris must be an array; scope must be a string" — the first failure of each field. */
export function describeValidationErrors(errors: ValidationError[], parent = ''): string {
  const messages: string[] = [];
  for (const error of errors) {
    const path = parent ? `${parent}.${error.property}` : error.property;
    // Name the type error first ("must be an array"), not a length rule that also failed because of it.
    const constraints = Object.entries(error.constraints ?? {}).sort(([a], [b]) => typeRank(a) - typeRank(b));
    if (constraints.length > 0) messages.push(constraints[0][1]);
    if (error.children?.length) messages.push(describeValidationErrors(error.children, path));
  }
  return messages.filter(Boolean).join('; ');
}

const TYPE_CONSTRAINTS = ['isDefined', 'isArray', 'isString', 'isObject', 'isInt', 'isNumber', 'isBoolean'];

function typeRank(constraint: string): number {
  const rank = TYPE_CONSTRAINTS.indexOf(constraint);
  return rank < 0 ? TYPE_CONSTRAINTS.length : rank;
}
