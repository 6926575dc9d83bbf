import { APP_CONFIG, AppConfig, issuerUrl } from '@app/config';
import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';

/** RFC 8414 §2 Authorization Server Metadata; lists only what this server really serves. */
export class AuthorizationServerMetadataDto {
  @ApiProperty({ description: 'Exactly the ISSUER setting (RFC 8414 §3.3).', example: 'http://localhost:3000' })
  issuer: string;

  @ApiProperty({ description: 'RFC 7591 client registration endpoint.', example: 'http://localhost:3000/register' })
  registration_endpoint: string;

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
      scopes_supported: [...config.oauth.scopesSupported],
      // RFC 8414 §2: REQUIRED; the only response type clients may register (RFC 7591 §2)
      response_types_supported: ['code'],
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
