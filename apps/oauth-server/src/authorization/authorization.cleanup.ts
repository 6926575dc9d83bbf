import { Injectable, OnModuleInit } from '@nestjs/common';
import { CleanupRegistry, deleteInBatches } from '../maintenance/cleanup-registry';

/**
 * Sweeper tasks for the authorization module's rows once they can no longer matter. Used codes and
 * rotated refresh tokens are kept for a while on purpose: they are how a replay is recognised
 * (RFC 6749 §4.1.2: a code used twice SHOULD revoke its tokens; RFC 9700 §4.14.2: refresh token reuse).
 */
@Injectable()
export class AuthorizationCleanup implements OnModuleInit {
  constructor(private readonly registry: CleanupRegistry) {}

  onModuleInit(): void {
    this.registry.register({
      name: 'authorization_codes',
      run: (manager) => deleteInBatches(manager, 'authorization_codes', `expires_at < now() - interval '1 day'`),
    });
    this.registry.register({
      // A whole family goes once its newest token has expired too.
      name: 'refresh_tokens',
      run: (manager) =>
        deleteInBatches(
          manager,
          'refresh_tokens',
          `expires_at < now() AND NOT EXISTS (SELECT 1 FROM refresh_tokens live WHERE live.family_id = refresh_tokens.family_id AND live.expires_at >= now())`,
        ),
    });
    this.registry.register({
      // RFC 7523 §3 item 7: a jti only needs remembering while its assertion could still be accepted
      name: 'client_assertion_jtis',
      run: (manager) => deleteInBatches(manager, 'client_assertion_jtis', 'expires_at < now()'),
    });
    this.registry.register({
      name: 'access_tokens',
      run: (manager) => deleteInBatches(manager, 'access_tokens', 'expires_at < now()'),
    });
  }
}
