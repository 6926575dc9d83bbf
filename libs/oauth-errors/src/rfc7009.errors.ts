import { OAuthError } from './oauth-error';

// RFC 7009 §2.2.1: the server does not support revoking this type of token.
export class UnsupportedTokenTypeError extends OAuthError {
  readonly error = 'unsupported_token_type';
  readonly status = 400;
}
