import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { GRANT_TYPES } from '../../clients/client-metadata';

/**
 * RFC 6749 §4.1.3 / §4.4.2 / §6 token request, form-encoded (documentation only: parsed by TokenService).
 * Optional fields have an empty example: Swagger UI would otherwise pre-fill each with "string" and send
 * them all (client_secret=string next to Basic is invalid_request; test/e2e/browser/swagger-ui.browser.e2e-spec.ts).
 */
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const CLIENT_ASSERTION_DESCRIPTION =
  'private_key_jwt (RFC 7523 §2.2, OIDC Core §9): a JWT signed with a registered key (RS256, ES256 or EdDSA); ' +
  'iss and sub = client_id, aud = the issuer or the token endpoint URL, exp at most 5 minutes ahead, jti used once.';

export class TokenRequestDto {
  @ApiProperty({ enum: [...GRANT_TYPES] })
  grant_type: string;
  @ApiPropertyOptional({ example: '', description: 'authorization_code: the code from the redirect' })
  code?: string;
  @ApiPropertyOptional({ example: '', description: 'authorization_code: required when it was sent to /authorize' })
  redirect_uri?: string;
  @ApiPropertyOptional({ example: '', description: 'authorization_code: RFC 7636 PKCE verifier (43–128 characters)' })
  code_verifier?: string;
  @ApiPropertyOptional({ example: '', description: 'refresh_token: the refresh token' })
  refresh_token?: string;
  @ApiPropertyOptional({ example: '', description: 'refresh_token / client_credentials: a subset of the allowed scope' })
  scope?: string;
  @ApiPropertyOptional({
    example: '',
    description:
      'RFC 8707 §2: the protected resource the access token is for (its aud, RFC 9068 §3); an absolute URI without fragment, ' +
      'repeat the field for several. authorization_code / refresh_token: those granted at /authorize or a subset; ' +
      'client_credentials: any acceptable resource. Otherwise invalid_target.',
  })
  resource?: string;
  @ApiPropertyOptional({ example: '', description: 'client_secret_post and public clients (none); optional with private_key_jwt (RFC 7521 §4.2)' })
  client_id?: string;
  @ApiPropertyOptional({ example: '', description: 'client_secret_post only' })
  client_secret?: string;
  @ApiPropertyOptional({ example: '', description: `private_key_jwt (RFC 7523 §2.2): ${ASSERTION_TYPE}` })
  client_assertion_type?: string;
  @ApiPropertyOptional({ example: '', description: CLIENT_ASSERTION_DESCRIPTION })
  client_assertion?: string;
}

/** RFC 6749 §5.1 Successful Response. */
export class TokenResponseDto {
  @ApiProperty({ description: 'RFC 9068 JWT access token (typ at+jwt)' })
  access_token: string;
  @ApiProperty({ example: 'Bearer' })
  token_type: string;
  @ApiProperty({ example: 600 })
  expires_in: number;
  @ApiPropertyOptional({
    example: 'openid profile',
    description: 'RFC 6749 §5.1: the scope granted, which may differ from the one requested (unsupported values are ignored); absent when none was granted',
  })
  scope?: string;
  @ApiPropertyOptional({ description: 'Opaque; rotated on every use' })
  refresh_token?: string;
  @ApiPropertyOptional({ description: 'OpenID Connect ID token when scope contains openid' })
  id_token?: string;
}

/** RFC 7009 §2.1 / RFC 7662 §2.1 request, form-encoded. */
export class TokenOnlyRequestDto {
  @ApiProperty()
  token: string;
  @ApiPropertyOptional({ enum: ['access_token', 'refresh_token'], description: 'A hint; the server searches all types anyway' })
  token_type_hint?: string;
  @ApiPropertyOptional({ example: '' })
  client_id?: string;
  @ApiPropertyOptional({ example: '' })
  client_secret?: string;
  @ApiPropertyOptional({ example: '', description: `private_key_jwt (RFC 7523 §2.2): ${ASSERTION_TYPE}` })
  client_assertion_type?: string;
  @ApiPropertyOptional({ example: '', description: CLIENT_ASSERTION_DESCRIPTION })
  client_assertion?: string;
}

/** RFC 7662 §2.2 Introspection Response. */
export class IntrospectionResponseDto {
  @ApiProperty()
  active: boolean;
  @ApiPropertyOptional()
  scope?: string;
  @ApiPropertyOptional()
  client_id?: string;
  @ApiPropertyOptional({ enum: ['Bearer', 'refresh_token'] })
  token_type?: string;
  @ApiPropertyOptional()
  exp?: number;
  @ApiPropertyOptional()
  iat?: number;
  @ApiPropertyOptional()
  sub?: string;
  @ApiPropertyOptional({ description: 'RFC 9068 §3: the resource(s) the token is for — a string, or an array for several', oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] })
  aud?: string | string[];
  @ApiPropertyOptional()
  iss?: string;
  @ApiPropertyOptional()
  jti?: string;
}

/** OIDC Core §5.3.2 UserInfo Response: claims by scope (profile, email). */
export class UserinfoResponseDto {
  @ApiProperty()
  sub: string;
  @ApiPropertyOptional({ description: 'scope profile' })
  preferred_username?: string;
  @ApiPropertyOptional({ description: 'scope profile, when set' })
  name?: string;
  @ApiPropertyOptional({ description: 'scope email, when set' })
  email?: string;
  @ApiPropertyOptional({ description: 'scope email' })
  email_verified?: boolean;
}

/** RFC 7517 §5 JWK Set. */
export class JwksResponseDto {
  @ApiProperty({ type: 'array', items: { type: 'object' } })
  keys: object[];
}
