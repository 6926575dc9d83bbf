import type {} from '@fastify/view';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AccessDeniedError, OAuthError } from '@app/oauth-errors';
import { Body, Controller, Get, HttpCode, Inject, Logger, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { describeScopes } from '../consent/scopes';
import { CsrfService } from '../login/csrf.service';
import { SessionsService } from '../login/sessions.service';
import { UsersService } from '../login/users.service';
import { AuthorizeError, AuthorizeRequest, carriedParams, RawParams } from './authorize-request';
import { AuthorizationService } from './authorization.service';

/**
 * RFC 6749 §3.1 / OIDC Core §3.1.2.1: the authorization endpoint, GET and POST, and the consent
 * form's answer. HTML and redirects only, hence not in Swagger (docs/authorization-code-flow.md).
 */
@ApiExcludeController()
@Controller('authorize')
export class AuthorizationController {
  private readonly logger = new Logger(AuthorizationController.name);
  private readonly consentPageCsp: string;

  constructor(
    private readonly authorization: AuthorizationService,
    private readonly sessions: SessionsService,
    private readonly users: UsersService,
    private readonly csrf: CsrfService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    // The client's logo may come from anywhere, but an https deployment loads no http image (mixed content).
    const images = config.issuer.startsWith('https:') ? 'https:' : 'https: http:';
    this.consentPageCsp = `frame-ancestors 'none'; default-src 'none'; img-src ${images}; style-src 'unsafe-inline'`;
  }

  @Get()
  authorizeGet(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Query() query: RawParams): Promise<unknown> {
    return this.authorize(request, reply, query ?? {});
  }

  // OIDC Core §3.1.2.1: the authorization endpoint MUST support POST (form-encoded) too
  @Post()
  @HttpCode(200)
  authorizePost(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Body() body: RawParams): Promise<unknown> {
    return this.authorize(request, reply, body && typeof body === 'object' ? body : {});
  }

  @Post('decision')
  async decision(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Body() body: RawParams): Promise<unknown> {
    const form = body && typeof body === 'object' ? body : {};
    return this.handle(reply, async () => {
      // CSRF first: a forged decision must not even produce a redirect to the client
      if (!this.csrf.verify(request, form.csrf_token)) {
        return this.page(reply, 403, 'Request expired', 'The consent form expired or did not come from this site. Please start again from the application.');
      }
      const authorizeRequest = await this.authorization.verify(form);
      const session = await this.sessions.current(request);
      if (!session) return this.toLogin(reply, form);
      if (form.decision !== 'allow') {
        // RFC 6749 §4.1.2.1: the resource owner denied the request
        throw new AuthorizeError(new AccessDeniedError('the user denied the request'), authorizeRequest.redirectUri, authorizeRequest.state);
      }
      return this.redirect(reply, await this.authorization.allow(authorizeRequest, session));
    });
  }

  private authorize(request: FastifyRequest, reply: FastifyReply, params: RawParams): Promise<unknown> {
    return this.handle(reply, async () => {
      const authorizeRequest = await this.authorization.verify(params);
      const session = await this.sessions.current(request);
      const step = await this.authorization.decide(authorizeRequest, session);
      if (step.kind === 'login') return this.toLogin(reply, params);
      if (step.kind === 'consent') return this.consentPage(request, reply, step.request, step.userId, params);
      return this.redirect(reply, step.location);
    });
  }

  /** Errors before the redirect URI is verified show a page and never redirect (RFC 6749 §4.1.2.1). */
  private async handle(reply: FastifyReply, work: () => Promise<unknown>): Promise<unknown> {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof AuthorizeError)) throw error;
      const oauth: OAuthError = error.error;
      if (error.redirectUri && oauth.redirectable && oauth.error) {
        // RFC 6749 §4.1.2.1: error, error_description and state; RFC 9207: iss
        return this.redirect(
          reply,
          this.authorization.redirectLocation(error.redirectUri, {
            error: oauth.error,
            error_description: oauth.description === undefined ? undefined : asErrorDescription(oauth.description),
            state: error.state,
          }),
        );
      }
      this.logger.warn({ error: oauth.error }, 'authorization request refused without redirect');
      return this.page(reply, 400, 'Authorization request refused', oauth.description ?? 'The request is invalid.', oauth.error);
    }
  }

  private toLogin(reply: FastifyReply, params: RawParams): unknown {
    const carried = carriedParams(params);
    // prompt=login is satisfied by the login about to happen; keeping it would ask again forever
    const prompt = (carried.prompt ?? '').split(' ').filter((value) => value && value !== 'login');
    if (prompt.length > 0) carried.prompt = prompt.join(' ');
    else delete carried.prompt;
    const returnTo = `/authorize?${new URLSearchParams(carried).toString()}`;
    return reply.code(303).header('Cache-Control', 'no-store').redirect(`/login?return_to=${encodeURIComponent(returnTo)}`);
  }

  private async consentPage(
    request: FastifyRequest,
    reply: FastifyReply,
    authorizeRequest: AuthorizeRequest,
    userId: string,
    params: RawParams,
  ): Promise<unknown> {
    const user = await this.users.findById(userId);
    const metadata = authorizeRequest.client.metadata;
    const carried = carriedParams(params);
    delete carried.prompt;
    return reply
      .code(200)
      .header('Cache-Control', 'no-store')
      // The consent page must not be framed by another site (clickjacking the Allow button).
      .header('X-Frame-Options', 'DENY')
      .header('Content-Security-Policy', this.consentPageCsp)
      .view('consent/views/consent.eta', {
        clientName: metadata.client_name ?? authorizeRequest.client.clientId,
        logoUri: metadata.logo_uri,
        clientUri: metadata.client_uri,
        policyUri: metadata.policy_uri,
        tosUri: metadata.tos_uri,
        username: user?.username ?? '',
        scopes: describeScopes(authorizeRequest.scopes),
        request: carried,
        csrfToken: this.csrf.token(request, reply),
      });
  }

  private redirect(reply: FastifyReply, location: string): unknown {
    return reply.code(303).header('Cache-Control', 'no-store').redirect(location);
  }

  private page(reply: FastifyReply, status: number, title: string, message: string, error?: string): unknown {
    return reply.code(status).header('Cache-Control', 'no-store').view('views/error.eta', { title, message, error });
  }
}

// RFC 6749 §4.1.2.1: error_description is limited to %x20-21 / %x23-5B / %x5D-7E; descriptions may
// quote request values (an unknown prompt), so anything else is replaced, and the length bounded.
function asErrorDescription(text: string): string {
  return text.replace(/"/g, "'").replace(/\\/g, '/').replace(/[^\x20-\x7e]/g, '?').slice(0, 300);
}
