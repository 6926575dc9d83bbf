import { ApiOAuthErrorResponse, bearerToken, InsufficientScopeError, InvalidTokenError, OAuthErrorResponseOptions } from '@app/oauth-errors';
import { APP_CONFIG, AppConfig } from '@app/config';
import { applyDecorators, Controller, Get, Header, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { UsersService } from '../login/users.service';
import { UserinfoResponseDto } from './dto/token.dto';
import { TokenIssuerService } from './token-issuer.service';

// OIDC Core §5.3.3 / RFC 6750 §3.1: the error responses of the UserInfo endpoint, each with a body it sends.
const USERINFO_401: OAuthErrorResponseOptions = {
  status: 401,
  description: 'RFC 6750 §3.1: no token → empty body and a bare Bearer challenge; an invalid, expired or revoked access token → invalid_token.',
  challenge: 'Bearer realm="<ISSUER>", error="invalid_token", error_description="…"',
  examples: {
    invalid_token: { summary: 'Invalid, expired or revoked access token', error: 'invalid_token', error_description: 'the access token is invalid, expired or revoked' },
  },
};
const USERINFO_403: OAuthErrorResponseOptions = {
  status: 403,
  description: 'RFC 6750 §3.1: the access token was not issued for the openid scope.',
  challenge: 'Bearer realm="<ISSUER>", error="insufficient_scope", error_description="…"',
  examples: {
    insufficient_scope: { summary: 'No openid scope', error: 'insufficient_scope', error_description: 'the access token lacks the openid scope' },
  },
};
const ApiUserinfo = (): MethodDecorator =>
  applyDecorators(
    ApiBearerAuth('access-token'),
    ApiOkResponse({ type: UserinfoResponseDto }),
    ApiOAuthErrorResponse(USERINFO_401),
    ApiOAuthErrorResponse(USERINFO_403),
  );

/** OIDC Core §5.3 UserInfo Endpoint: claims about the user, by the scopes of the access token. */
@ApiTags('OpenID Connect')
@Controller('userinfo')
export class UserinfoController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly issuer: TokenIssuerService,
    private readonly users: UsersService,
  ) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'OIDC Core §5.3.1 UserInfo Request (GET)' })
  @ApiUserinfo()
  get(@Req() request: FastifyRequest): Promise<UserinfoResponseDto> {
    return this.userinfo(request);
  }

  // OIDC Core §5.3.1: the endpoint MUST support GET and POST
  @Post()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'OIDC Core §5.3.1 UserInfo Request (POST)' })
  @ApiUserinfo()
  post(@Req() request: FastifyRequest): Promise<UserinfoResponseDto> {
    return this.userinfo(request);
  }

  private async userinfo(request: FastifyRequest): Promise<UserinfoResponseDto> {
    const token = bearerToken(request.headers.authorization); // RFC 6750 §2.1
    if (!token) throw InvalidTokenError.missing(); // RFC 6750 §3.1
    // RFC 8707 / RFC 9068 §4: a token audience-restricted to another resource is not for userinfo
    const claims = await this.issuer.verifyAccessToken(token, this.config.issuer);
    if (!claims) throw new InvalidTokenError('the access token is invalid, expired or revoked');
    const scopes = claims.scope.split(' ');
    // OIDC Core §5.3: userinfo needs an access token issued for openid
    if (!scopes.includes('openid')) throw new InsufficientScopeError('the access token lacks the openid scope');
    const user = await this.users.findById(claims.sub);
    if (!user) throw new InvalidTokenError('the user no longer exists');
    const response: UserinfoResponseDto = { sub: user.id };
    if (scopes.includes('profile')) {
      response.preferred_username = user.username;
      if (user.name) response.name = user.name;
    }
    if (scopes.includes('email') && user.email) {
      response.email = user.email;
      // Addresses are entered by the operator and not verified by this server.
      response.email_verified = false;
    }
    return response;
  }
}
