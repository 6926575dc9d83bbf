import type {} from '@fastify/view';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AccessDeniedError } from '@app/oauth-errors';
import { Body, Controller, Get, HttpCode, Inject, Logger, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { describeScopes } from '../consent/scopes';
import { CsrfService } from '../login/csrf.service';
import { CurrentSession, SessionsService } from '../login/sessions.service';
import { UsersService } from '../login/users.service';
import { AuthorizeError, AuthorizeRequest, carriedParams, RawParams, redirectHost, redirectTarget } from './authorize-request';
import { AuthorizationService } from './authorization.service';
import { declaredResource, requestedResources, resourceHost } from './resource-indicators';

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
    @Inject(APP_CONFIG) private readonly config: AppConfig,
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
    return this.handle(request, reply, async (currentSession) => {
      // CSRF first: a forged decision must not even produce a redirect to the client
      if (!this.csrf.verify(request, form.csrf_token)) {
        return this.page(reply, 403, 'Request expired', 'The consent form expired or did not come from this site. Please start again from the application.');
      }
      const authorizeRequest = await this.authorization.verify(form);
      const session = await currentSession();
      if (!session) return this.toLogin(reply, form);
      if (form.decision !== 'allow') {
        // RFC 6749 §4.1.2.1: the resource owner denied the request
        const denied = new AccessDeniedError('the user denied the request');
        throw new AuthorizeError(denied, authorizeRequest.redirectUri, authorizeRequest.state, authorizeRequest.client);
      }
      return this.redirect(reply, await this.authorization.allow(authorizeRequest, session));
    });
  }

  private authorize(request: FastifyRequest, reply: FastifyReply, params: RawParams): Promise<unknown> {
    return this.handle(request, reply, async (currentSession) => {
      const authorizeRequest = await this.authorization.verify(params);
      const step = await this.authorization.decide(authorizeRequest, await currentSession());
      if (step.kind === 'login') return this.toLogin(reply, params);
      if (step.kind === 'consent') return this.consentPage(request, reply, step.request, step.userId, params);
      return this.redirect(reply, step.location);
    });
  }

  /**
   * The one place /authorize turns an error into a response (RFC 6749 §4.1.2.1): a redirect with
   * error and state once client and redirect URI are verified and the redirect is trusted (RFC 9700
   * §4.11.2, AuthorizationService.mayRedirectError); else the error page on this server — with a
   * link on to the client when the target is verified but not trusted, never an automatic redirect.
   */
  private async handle(
    request: FastifyRequest,
    reply: FastifyReply,
    work: (session: () => Promise<CurrentSession | null>) => Promise<unknown>,
  ): Promise<unknown> {
    let current: Promise<CurrentSession | null> | undefined;
    const session = () => (current ??= this.sessions.current(request));
    try {
      return await work(session);
    } catch (error) {
      if (!(error instanceof AuthorizeError)) throw error;
      const oauth = error.error;
      const target = this.authorization.errorRedirect(error);
      if (target && (await this.authorization.mayRedirectError(target.client, await session()))) return this.redirect(reply, target.location);
      this.logger.warn({ error: oauth.error, client_id: target?.client.clientId }, 'authorization request refused without redirect');
      const denied = oauth instanceof AccessDeniedError;
      return this.page(
        reply,
        400,
        denied ? 'Access denied' : 'Authorization request refused',
        denied ? 'You did not allow the application to access your account.' : (oauth.description ?? 'The request is invalid.'),
        oauth.error,
        target && { url: target.location, host: target.host },
      );
    }
  }

  private toLogin(reply: FastifyReply, params: RawParams): unknown {
    const carried = carriedParams(params);
    // prompt=login is satisfied by the login about to happen; keeping it would ask again forever
    const prompt = (carried.prompt ?? '').split(' ').filter((value) => value && value !== 'login');
    if (prompt.length > 0) carried.prompt = prompt.join(' ');
    else delete carried.prompt;
    const query = new URLSearchParams(carried);
    // RFC 8707 §2.1: resource may be repeated; every value goes through login with the request
    for (const resource of requestedResources(params.resource)) query.append('resource', resource);
    const returnTo = `/authorize?${query.toString()}`;
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
    // verifyClientAndRedirect admitted only URIs redirectTarget can serialize
    const destination = redirectTarget(authorizeRequest.redirectUri);
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
        // RFC 9700 §4.11.2 / RFC 7591 §5: the user sees where the answer goes and whether anyone vouched for the client
        redirectHost: destination ? redirectHost(destination) : '',
        unverified: !authorizeRequest.client.trusted,
        username: user?.username ?? '',
        scopes: describeScopes(authorizeRequest.scopes),
        // RFC 8707: which protected resource(s) the app will use on the user's behalf — the declared
        // display name, and always the URI's host, which the name alone could misrepresent
        resources: authorizeRequest.resources.map((uri) => ({
          uri,
          name: declaredResource(uri, this.config)?.name,
          host: resourceHost(uri),
        })),
        request: carried,
        csrfToken: this.csrf.token(request, reply),
      });
  }

  private redirect(reply: FastifyReply, location: string): unknown {
    return reply.code(303).header('Cache-Control', 'no-store').redirect(location);
  }

  private page(
    reply: FastifyReply,
    status: number,
    title: string,
    message: string,
    error?: string,
    proceed?: { url: string; host: string },
  ): unknown {
    return reply.code(status).header('Cache-Control', 'no-store').view('views/error.eta', { title, message, error, proceed });
  }
}
