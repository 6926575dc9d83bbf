import { SecretHasher } from '@app/hashing';
import { bearerToken, InvalidTokenError } from '@app/oauth-errors';
import { CanActivate, ExecutionContext, Inject, Injectable, Logger } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Client } from '../client.entity';
import { REGISTRATION_TOKEN_STORE, RegistrationTokenStore } from '../client-stores';

export interface ClientManagementRequest extends FastifyRequest<{ Params: { clientId: string } }> {
  registeredClient?: Client;
}

/** RFC 7592 §2: the registration access token, presented as an RFC 6750 §2.1 bearer token. */
@Injectable()
export class RegistrationTokenGuard implements CanActivate {
  private readonly logger = new Logger(RegistrationTokenGuard.name);

  constructor(
    @Inject(REGISTRATION_TOKEN_STORE) private readonly tokens: Pick<RegistrationTokenStore, 'findWithClient' | 'revoke'>,
    @Inject(SecretHasher) private readonly hasher: Pick<SecretHasher, 'hash'>,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<ClientManagementRequest>();
    const presented = bearerToken(request.headers.authorization); // RFC 6750 §2.1: header only
    if (!presented) throw InvalidTokenError.missing(); // RFC 6750 §3.1: no error code without credentials
    const found = await this.tokens.findWithClient(await this.hasher.hash(presented));
    if (!found || found.token.revokedAt) {
      throw new InvalidTokenError('the registration access token is not valid for this client');
    }
    // RFC 7592 §2.1–2.3: another client's id, or one that does not exist → 401, and the token SHOULD be
    // revoked. Both cases answer alike, so no response tells whether another client exists.
    if (found.token.clientId !== request.params.clientId) {
      await this.tokens.revoke(found.token.tokenHash);
      this.logger.warn({ client_id: found.token.clientId }, 'registration access token used for another client; revoked');
      throw new InvalidTokenError('the registration access token is not valid for this client');
    }
    if (found.token.expiresAt.getTime() <= Date.now()) {
      throw new InvalidTokenError('the registration access token has expired');
    }
    request.registeredClient = found.client;
    return true;
  }
}
