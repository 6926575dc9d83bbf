import type {} from '@fastify/view';
import { Body, Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ClientLookupService } from '../clients/client-lookup.service';
import { CsrfService } from '../login/csrf.service';
import { SessionsService } from '../login/sessions.service';
import { UsersService } from '../login/users.service';
import { ConsentService } from './consent.service';
import { describeScopes } from './scopes';

/** The account page: the apps a user has allowed, each revocable (HTML; see docs/authorization-code-flow.md). */
@ApiExcludeController()
@Controller('account')
export class ConsentController {
  constructor(
    private readonly consent: ConsentService,
    private readonly sessions: SessionsService,
    private readonly users: UsersService,
    private readonly clients: ClientLookupService,
    private readonly csrf: CsrfService,
  ) {}

  @Get()
  async page(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Query('revoked') revokedId: unknown): Promise<unknown> {
    const session = await this.sessions.current(request);
    const user = session && (await this.users.findById(session.userId));
    if (!user) return reply.code(303).redirect('/login?return_to=%2Faccount');
    const apps = await Promise.all(
      (await this.consent.list(user.id)).map(async (grant) => {
        const client = await this.clients.find(grant.clientId);
        return { clientId: grant.clientId, name: client?.metadata.client_name ?? grant.clientId, scopes: describeScopes(grant.scopes) };
      }),
    );
    const csrfToken = this.csrf.token(request, reply);
    // After a revocation (below) the page confirms it by the app's registered name, never by text from the URL.
    const revokedClient = typeof revokedId === 'string' && revokedId.length <= 200 && !apps.some((app) => app.clientId === revokedId) ? await this.clients.find(revokedId) : null;
    const revoked = revokedClient ? (revokedClient.metadata.client_name ?? revokedClient.clientId) : undefined;
    return reply.header('Cache-Control', 'no-store').view('consent/views/account.eta', { username: user.username, apps, csrfToken, revoked });
  }

  @Post('apps/revoke')
  async revoke(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Body() form: { csrf_token?: unknown; client_id?: unknown }): Promise<unknown> {
    if (!this.csrf.verify(request, form?.csrf_token)) {
      return reply.code(403).view('views/error.eta', { title: 'Not revoked', message: 'Your form expired. Please try again.' });
    }
    const session = await this.sessions.current(request);
    if (!session) return reply.code(303).redirect('/login?return_to=%2Faccount');
    if (typeof form.client_id !== 'string') return reply.code(303).redirect('/account');
    await this.consent.revoke(session.userId, form.client_id);
    return reply.code(303).redirect(`/account?revoked=${encodeURIComponent(form.client_id)}`);
  }
}
