import { InvalidClientMetadataError } from '@app/oauth-errors';
import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
} from 'class-validator';
import {
  APPLICATION_TYPES,
  GRANT_TYPES,
  Jwk,
  RESPONSE_TYPES,
  TOKEN_ENDPOINT_AUTH_METHODS,
} from '../client-metadata';

// Hard caps against oversized documents; the configurable limits are checked in client-metadata.ts.
const MAX_URI = 2000;
const MAX_TEXT = 200;
const MAX_LIST = 100;

/**
 * RFC 7591 §2 client metadata, in wire spelling. Every member is OPTIONAL in the request;
 * members the server does not recognise are stripped (RFC 7591 §2: MUST be ignored).
 * Type errors become `invalid_client_metadata` naming the field; the rules between fields are
 * checked by assertValidClientMetadata().
 */
export class RegisterClientDto {
  /** RFC 7591 §3.2.2: a malformed metadata value is invalid_client_metadata. */
  static readonly validationError = InvalidClientMetadataError;

  @ApiPropertyOptional({
    description:
      'Redirection URIs (RFC 6749 §3.1.2). Required for the authorization_code grant. Exact match only. ASCII only (RFC 3986 §2): percent-encode the path, use the xn-- form of an internationalized host.',
    example: ['https://app.example.com/callback'],
    type: [String],
  })
  @IsOptional() @IsArray() @ArrayMaxSize(MAX_LIST) @IsString({ each: true }) @MaxLength(MAX_URI, { each: true })
  redirect_uris?: string[];

  @ApiPropertyOptional({
    description: 'How the client authenticates at the token endpoint. Default client_secret_basic.',
    enum: TOKEN_ENDPOINT_AUTH_METHODS,
    example: 'client_secret_basic',
  })
  @IsOptional() @IsString() @MaxLength(MAX_TEXT)
  token_endpoint_auth_method?: string;

  @ApiPropertyOptional({
    description: 'Grant types the client will use. Default ["authorization_code"]. implicit and password are refused.',
    enum: GRANT_TYPES,
    isArray: true,
    example: ['authorization_code', 'refresh_token'],
  })
  @IsOptional() @IsArray() @ArrayMaxSize(MAX_LIST) @IsString({ each: true }) @MaxLength(MAX_TEXT, { each: true })
  grant_types?: string[];

  @ApiPropertyOptional({
    description: 'Response types for /authorize. Default ["code"] (none without the authorization_code grant).',
    enum: RESPONSE_TYPES,
    isArray: true,
    example: ['code'],
  })
  @IsOptional() @IsArray() @ArrayMaxSize(MAX_LIST) @IsString({ each: true }) @MaxLength(MAX_TEXT, { each: true })
  response_types?: string[];

  @ApiPropertyOptional({
    description:
      'Human-readable client name shown on the consent page. No control, format (bidi, zero-width), line-separator or private-use characters; stored in Unicode NFC.',
    example: 'Example App',
  })
  @IsOptional() @IsString() @MaxLength(MAX_TEXT)
  client_name?: string;

  @ApiPropertyOptional({ description: 'Home page of the client (http or https), ASCII only (RFC 3986 §2).', example: 'https://app.example.com' })
  @IsOptional() @IsString() @MaxLength(MAX_URI)
  client_uri?: string;

  @ApiPropertyOptional({ description: 'Logo of the client (http or https), ASCII only (RFC 3986 §2).', example: 'https://app.example.com/logo.png' })
  @IsOptional() @IsString() @MaxLength(MAX_URI)
  logo_uri?: string;

  @ApiPropertyOptional({
    description:
      'Space-separated scopes the client may request. Values the server does not support are dropped (RFC 7591 §3.2.1: the response returns the registered scope); none left, or omitted: every supported scope.',
    example: 'openid profile email',
  })
  @IsOptional() @IsString() @MaxLength(1000)
  scope?: string;

  @ApiPropertyOptional({ description: 'Ways to contact the people responsible for the client.', type: [String], example: ['ops@example.com'] })
  @IsOptional() @IsArray() @ArrayMaxSize(MAX_LIST) @IsString({ each: true }) @MaxLength(320, { each: true })
  contacts?: string[];

  @ApiPropertyOptional({ description: 'Terms of service of the client (http or https), ASCII only (RFC 3986 §2).', example: 'https://app.example.com/tos' })
  @IsOptional() @IsString() @MaxLength(MAX_URI)
  tos_uri?: string;

  @ApiPropertyOptional({ description: 'Privacy policy of the client (http or https), ASCII only (RFC 3986 §2).', example: 'https://app.example.com/privacy' })
  @IsOptional() @IsString() @MaxLength(MAX_URI)
  policy_uri?: string;

  @ApiPropertyOptional({ description: "URL of the client's JWK Set (https, ASCII only). Never together with jwks." })
  @IsOptional() @IsString() @MaxLength(MAX_URI)
  jwks_uri?: string;

  @ApiPropertyOptional({
    description:
      "The client's public keys by value: a JWK Set { keys: [...] } (RFC 7517 §5). Each key is flat (string or string-array members), has kty and no private members. Never together with jwks_uri.",
    type: Object,
  })
  @IsOptional() @IsObject()
  jwks?: { keys: Jwk[] };

  @ApiPropertyOptional({ description: 'Identifier of the client software, stable across instances.', example: '4NRB1-0XZABZI9E6-5SM3R' })
  @IsOptional() @IsString() @MaxLength(MAX_TEXT)
  software_id?: string;

  @ApiPropertyOptional({ description: 'Version of the client software.', example: '2.1.0' })
  @IsOptional() @IsString() @MaxLength(MAX_TEXT)
  software_version?: string;

  @ApiPropertyOptional({
    description:
      'RFC 7591 §2.3 software statement: a JWT signed by an issuer the operator trusts. Its claims take precedence over the same fields of the body; it is returned unmodified.',
  })
  @IsOptional() @IsString() @MaxLength(16000)
  software_statement?: string;

  @ApiPropertyOptional({
    description: 'OpenID Connect application type. Default web; native allows loopback and private-use redirect URIs (RFC 8252).',
    enum: APPLICATION_TYPES,
    example: 'web',
  })
  @IsOptional() @IsString() @MaxLength(MAX_TEXT)
  application_type?: string;
}
