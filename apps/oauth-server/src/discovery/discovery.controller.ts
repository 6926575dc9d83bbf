import { APP_CONFIG, AppConfig, issuerUrl } from '@app/config';
import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { SIGNING_ALG } from '../authorization/keys/signing-keys.service';
import { GRANT_TYPES, TOKEN_ENDPOINT_AUTH_METHODS } from '../clients/client-metadata';

// RFC 8414 §2: what clients may register (RFC 7591 §2 token_endpoint_auth_method), in order of preference.
const AUTHENTICATED_METHODS = TOKEN_ENDPOINT_AUTH_METHODS.filter((method) => method !== 'none');
const CLIENT_AUTH_METHODS = [...AUTHENTICATED_METHODS, 'none'];
import { CLIENT_ASSERTION_ALGORITHMS } from '../authorization/client-assertion.verifier';

/** RFC 8414 §2 Authorization Server Metadata; lists only what this server really serves. */
export class AuthorizationServerMetadataDto {
  @ApiProperty({ description: 'Exactly the ISSUER setting (RFC 8414 §3.3).', example: 'http://localhost:3000' })
  issuer: string;

  @ApiProperty({ description: 'RFC 7591 client registration endpoint.', example: 'http://localhost:3000/register' })
  registration_endpoint: string;

  @ApiProperty({ example: 'http://localhost:3000/authorize' })
  authorization_endpoint: string;

  @ApiProperty({ example: 'http://localhost:3000/token' })
  token_endpoint: string;

  @ApiProperty({ example: 'http://localhost:3000/jwks.json' })
  jwks_uri: string;

  @ApiProperty({ example: 'http://localhost:3000/userinfo' })
  userinfo_endpoint: string;

  @ApiProperty({ example: 'http://localhost:3000/revoke' })
  revocation_endpoint: string;

  @ApiProperty({ example: 'http://localhost:3000/introspect' })
  introspection_endpoint: string;

  @ApiProperty({ example: ['query'] })
  response_modes_supported: string[];

  @ApiProperty({ example: [...GRANT_TYPES] })
  grant_types_supported: string[];

  @ApiProperty({ example: ['S256'] })
  code_challenge_methods_supported: string[];

  @ApiProperty({ example: CLIENT_AUTH_METHODS })
  token_endpoint_auth_methods_supported: string[];

  @ApiProperty({ example: CLIENT_ASSERTION_ALGORITHMS })
  token_endpoint_auth_signing_alg_values_supported: string[];

  @ApiProperty({ example: CLIENT_AUTH_METHODS })
  revocation_endpoint_auth_methods_supported: string[];

  @ApiProperty({ example: CLIENT_ASSERTION_ALGORITHMS })
  revocation_endpoint_auth_signing_alg_values_supported: string[];

  @ApiProperty({ example: AUTHENTICATED_METHODS })
  introspection_endpoint_auth_methods_supported: string[];

  @ApiProperty({ example: CLIENT_ASSERTION_ALGORITHMS })
  introspection_endpoint_auth_signing_alg_values_supported: string[];

  @ApiProperty({ example: true })
  authorization_response_iss_parameter_supported: boolean;

  @ApiProperty({ example: ['public'] })
  subject_types_supported: string[];

  @ApiProperty({ example: [SIGNING_ALG] })
  id_token_signing_alg_values_supported: string[];

  @ApiProperty({ example: ['none', 'login', 'consent'] })
  prompt_values_supported: string[];

  @ApiProperty()
  claims_supported: string[];

  @ApiProperty({ example: false })
  request_parameter_supported: boolean;

  @ApiProperty({ example: false })
  request_uri_parameter_supported: boolean;

  @ApiProperty({ example: ['openid', 'profile', 'email'] })
  scopes_supported: string[];

  @ApiProperty({ example: ['code'] })
  response_types_supported: string[];

  @ApiPropertyOptional({ example: 'http://localhost:3000/docs' })
  service_documentation: string;
}

@ApiTags('Discovery')
@Controller('.well-known')
export class DiscoveryController {
  private readonly metadata: AuthorizationServerMetadataDto;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.metadata = Object.freeze({
      // RFC 8414 §3.3: issuer MUST be identical to the issuer the metadata was requested from
      issuer: config.issuer,
      registration_endpoint: issuerUrl(config, '/register'),
      authorization_endpoint: issuerUrl(config, '/authorize'),
      token_endpoint: issuerUrl(config, '/token'),
      jwks_uri: issuerUrl(config, '/jwks.json'),
      userinfo_endpoint: issuerUrl(config, '/userinfo'),
      revocation_endpoint: issuerUrl(config, '/revoke'),
      introspection_endpoint: issuerUrl(config, '/introspect'),
      scopes_supported: [...config.oauth.scopesSupported],
      // RFC 8414 §2: REQUIRED; the only response type clients may register (RFC 7591 §2)
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      grant_types_supported: [...GRANT_TYPES],
      // RFC 7636 §4.2, RFC 9700 §2.1.1: plain is refused
      code_challenge_methods_supported: ['S256'],
      // RFC 8414 §2: private_key_jwt (RFC 7523 §2.2) with the *_auth_signing_alg_values_supported it accepts
      token_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
      token_endpoint_auth_signing_alg_values_supported: [...CLIENT_ASSERTION_ALGORITHMS],
      revocation_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
      revocation_endpoint_auth_signing_alg_values_supported: [...CLIENT_ASSERTION_ALGORITHMS],
      // RFC 7662 §2.1: introspection needs an authenticated (confidential) client
      introspection_endpoint_auth_methods_supported: AUTHENTICATED_METHODS,
      introspection_endpoint_auth_signing_alg_values_supported: [...CLIENT_ASSERTION_ALGORITHMS],
      // RFC 9207 §3: every authorization response carries iss
      authorization_response_iss_parameter_supported: true,
      subject_types_supported: ['public'],
      // OIDC Discovery §3: the algorithm every ID token is signed with (signing-keys.service.ts)
      id_token_signing_alg_values_supported: [SIGNING_ALG],
      prompt_values_supported: ['none', 'login', 'consent'],
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'at_hash', 'azp', 'preferred_username', 'name', 'email', 'email_verified'],
      // OIDC Discovery §3: request_uri_parameter_supported defaults to true, so say false explicitly
      request_parameter_supported: false,
      request_uri_parameter_supported: false,
      service_documentation: issuerUrl(config, '/docs'),
    });
  }

  @Get('oauth-authorization-server')
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({ summary: 'RFC 8414 §3 Authorization Server Metadata' })
  @ApiOkResponse({ type: AuthorizationServerMetadataDto })
  authorizationServer(): AuthorizationServerMetadataDto {
    return this.metadata;
  }

  @Get('openid-configuration')
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({ summary: 'OpenID Connect Discovery 1.0 §4 (same document as RFC 8414)' })
  @ApiOkResponse({ type: AuthorizationServerMetadataDto })
  openidConfiguration(): AuthorizationServerMetadataDto {
    return this.metadata;
  }
}
