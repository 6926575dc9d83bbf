import { Body, Controller, Get, Optional, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CsrfService } from './csrf.service';
import { LoginClientNames, returnToClientId } from './login-client-names';
import { LoginService } from './login.service';
import { safeReturnTo } from './return-to';
import { SessionsService } from './sessions.service';

interface LoginForm {
  username?: unknown;
  password?: unknown;
  csrf_token?: unknown;
  return_to?: unknown;
}

// One message for an unknown user and a wrong password: the page never tells which usernames exist.
const INVALID = 'The username or password is incorrect.';
const THROTTLED = 'Too many failed attempts. Please wait a few minutes and try again.';
const BUSY = 'The server is busy checking other sign-ins. Please try again in a moment.';

/** The HTML login and logout pages (described in docs/authorization-code-flow.md, not in Swagger). */
@ApiExcludeController()
@Controller()
export class LoginController {
  constructor(
    private readonly login: LoginService,
    private readonly sessions: SessionsService,
    private readonly csrf: CsrfService,
    @Optional() private readonly clientNames?: LoginClientNames,
  ) {}

  @Get('login')
  async page(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Query('return_to') returnTo: unknown): Promise<unknown> {
    return this.render(request, reply, 200, { returnTo: safeReturnTo(returnTo), username: '', error: undefined });
  }

  @Post('login')
  async submit(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Body() form: LoginForm): Promise<unknown> {
    const returnTo = safeReturnTo(form.return_to);
    const username = typeof form.username === 'string' ? form.username.trim() : '';
    if (!this.csrf.verify(request, form.csrf_token)) {
      return this.render(request, reply, 403, { returnTo, username, error: 'Your form expired. Please sign in again.' });
    }
    const password = typeof form.password === 'string' ? form.password : '';
    if (!username || !password) return this.render(request, reply, 400, { returnTo, username, error: INVALID });
    const outcome = await this.login.attempt(username, password, request.ip);
    if (!outcome.ok && outcome.reason === 'busy') {
      // RFC 9110 §15.6.4 503 with §10.2.3 Retry-After: refused at once instead of queued for seconds.
      reply.header('Retry-After', String(outcome.retryAfterSeconds));
      return this.render(request, reply, 503, { returnTo, username, error: BUSY });
    }
    if (!outcome.ok) {
      const throttled = outcome.reason === 'throttled';
      return this.render(request, reply, throttled ? 429 : 401, { returnTo, username, error: throttled ? THROTTLED : INVALID });
    }
    await this.sessions.start(request, reply, outcome.user.id);
    return reply.code(303).header('Cache-Control', 'no-store').redirect(returnTo);
  }

  @Post('logout')
  async logout(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Body() form: LoginForm): Promise<unknown> {
    if (!this.csrf.verify(request, form?.csrf_token)) {
      return reply.code(403).view('views/error.eta', { title: 'Not signed out', message: 'Your form expired. Please try again.' });
    }
    await this.sessions.end(request, reply);
    return reply.code(200).header('Cache-Control', 'no-store').view('login/views/signed-out.eta', {});
  }

  private async render(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    model: { returnTo: string; username: string; error: string | undefined },
  ): Promise<unknown> {
    const csrfToken = this.csrf.token(request, reply);
    // The page names the app the user signs in for (and says when no one vouched for it).
    const clientId = returnToClientId(model.returnTo);
    const client = clientId && this.clientNames ? await this.clientNames.describe(clientId) : null;
    return reply.code(status).header('Cache-Control', 'no-store').view('login/views/login.eta', { ...model, csrfToken, client });
  }
}
