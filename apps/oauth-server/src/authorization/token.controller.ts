import { InvalidClientError, InvalidRequestError } from '@app/oauth-errors';
import { Body, Controller, Header, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ApiTokenErrorResponses } from './dto/token-errors.decorator';
import { ClientAuthenticator, ClientCredentials } from './client-authenticator.service';
import { IntrospectionResponseDto, TokenOnlyRequestDto, TokenRequestDto, TokenResponseDto } from './dto/token.dto';
import { TokenResponse } from './token-issuer.service';
import { IntrospectionResponse, stringParam, TokenParams, TokenService } from './token.service';

type FormRequest = FastifyRequest & { body: unknown };

/** RFC 6749 §3.2 token endpoint, RFC 7009 revocation, RFC 7662 introspection. */
@ApiTags('Tokens')
@Controller()
export class TokenController {
  constructor(
    private readonly tokens: TokenService,
    private readonly authenticator: ClientAuthenticator,
  ) {}

  @Post('token')
  @HttpCode(200)
  // RFC 6749 §5.1: token responses MUST NOT be cached
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @ApiOperation({ summary: 'RFC 6749 §3.2 Token Endpoint (authorization_code, refresh_token, client_credentials)' })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({ type: TokenRequestDto })
  @ApiOkResponse({ description: 'RFC 6749 §5.1 Successful Response', type: TokenResponseDto })
  @ApiTokenErrorResponses('token')
  async token(@Req() request: FormRequest, @Body() body: unknown): Promise<TokenResponse> {
    const params = formBody(request, body);
    const client = await this.authenticator.authenticate(credentialsOf(request, params));
    return this.tokens.exchange(client, params);
  }

  @Post('revoke')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'RFC 7009 §2.1 Revocation Request' })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({ type: TokenOnlyRequestDto })
  @ApiOkResponse({ description: 'RFC 7009 §2.2: 200 whether or not the token was known' })
  @ApiTokenErrorResponses('revoke')
  async revoke(@Req() request: FormRequest, @Body() body: unknown): Promise<void> {
    const params = formBody(request, body);
    const client = await this.authenticator.authenticate(credentialsOf(request, params));
    const token = stringParam(params, 'token');
    if (token === undefined) throw new InvalidRequestError('token is missing');
    await this.tokens.revoke(client, token);
  }

  @Post('introspect')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @ApiOperation({
    summary: 'RFC 7662 §2.1 Introspection Request (authenticated confidential clients only)',
    description:
      "RFC 7662 §4: a client introspects the tokens issued to it; another client's token answers {\"active\":false}, like an unknown one, unless the operator allowed this client to introspect every token (clients:allow-introspection).",
  })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({ type: TokenOnlyRequestDto })
  @ApiOkResponse({ description: 'RFC 7662 §2.2 Introspection Response', type: IntrospectionResponseDto })
  @ApiTokenErrorResponses('introspect')
  async introspect(@Req() request: FormRequest, @Body() body: unknown): Promise<IntrospectionResponse> {
    const params = formBody(request, body);
    const client = await this.authenticator.authenticate(credentialsOf(request, params));
    // RFC 7662 §2.1 / §4: only authorized callers; a public client proves nothing about itself
    if (!client.confidential) throw new InvalidClientError('introspection requires client authentication');
    const token = stringParam(params, 'token');
    if (token === undefined) throw new InvalidRequestError('token is missing');
    return this.tokens.introspect(client, token);
  }
}

/**
 * RFC 6749 §2.3.1: client credentials come from the Authorization header or the client_id and
 * client_secret body parameters (RFC 7521 §4.2: or client_assertion_type and client_assertion), never from another form field: a body field named "authorization"
 * must not stand in for the header (test/e2e/rfc6749/client-authentication.e2e-spec.ts).
 */
function credentialsOf(request: FastifyRequest, params: TokenParams): ClientCredentials {
  const { client_id, client_secret, client_assertion_type, client_assertion } = params;
  return { header: request.headers.authorization, body: { client_id, client_secret, client_assertion_type, client_assertion } };
}

/** RFC 6749 §3.2: parameters are application/x-www-form-urlencoded in the body. */
function formBody(request: FastifyRequest, body: unknown): TokenParams {
  const mediaType = request.headers['content-type']?.split(';')[0].trim().toLowerCase();
  if (mediaType !== 'application/x-www-form-urlencoded') {
    throw new InvalidRequestError('send the parameters as application/x-www-form-urlencoded (RFC 6749 §3.2)');
  }
  if (!body || typeof body !== 'object') return {};
  // RFC 6749 §3.2: parameters sent without a value MUST be treated as if they were omitted
  // (an HTML form or Swagger UI sends client_secret= next to HTTP Basic).
  return Object.fromEntries(Object.entries(body as TokenParams).filter(([, value]) => value !== ''));
}
