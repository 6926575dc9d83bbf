import { APP_CONFIG, AppConfig } from '@app/config';
import { constantTimeEqual } from '@app/crypto';
import { bearerToken, InvalidTokenError } from '@app/oauth-errors';
import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/**
 * RFC 7591 §3: with REGISTRATION_MODE=protected, registration needs the operator's initial access
 * token as a bearer token; missing or wrong → 401 in RFC 6750 §3 form. Open mode lets all through.
 */
@Injectable()
export class InitialAccessTokenGuard implements CanActivate {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const expected = this.config.registration.initialAccessToken;
    if (this.config.registration.mode === 'open' || expected === undefined) return true;
    const presented = bearerToken(context.switchToHttp().getRequest<FastifyRequest>().headers.authorization);
    if (!presented) throw InvalidTokenError.missing();
    if (!constantTimeEqual(presented, expected)) throw new InvalidTokenError('the initial access token is not valid');
    return true;
  }
}
