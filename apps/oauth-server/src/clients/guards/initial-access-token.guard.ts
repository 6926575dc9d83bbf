import { APP_CONFIG, AppConfig } from '@app/config';
import { bearerToken, InvalidTokenError } from '@app/oauth-errors';
import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AdmittingToken, InitialAccessTokensService } from '../initial-access-tokens.service';

export interface RegistrationRequest extends FastifyRequest {
  /** Set when the request carried a valid initial access token; absent for anonymous registration. */
  initialAccessToken?: AdmittingToken;
}

/**
 * RFC 7591 §3: an initial access token, presented as an RFC 6750 §2.1 bearer token, admits the
 * registration under the token's policy. Without one: REGISTRATION_MODE=open admits it under the
 * open-registration policy; protected answers 401 in RFC 6750 §3 form.
 */
@Injectable()
export class InitialAccessTokenGuard implements CanActivate {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tokens: InitialAccessTokensService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RegistrationRequest>();
    const presented = bearerToken(request.headers.authorization);
    if (!presented) {
      if (this.config.registration.mode === 'open') return true;
      throw InvalidTokenError.missing(); // RFC 6750 §3.1: no error code without credentials
    }
    // A token sent in open mode is still honoured: it may admit under a wider policy than anonymous.
    const result = await this.tokens.authenticate(presented);
    if ('refused' in result) throw new InvalidTokenError(result.refused);
    request.initialAccessToken = result;
    return true;
  }
}
