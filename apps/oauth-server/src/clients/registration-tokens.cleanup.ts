import { Injectable, OnModuleInit } from '@nestjs/common';
import { CleanupRegistry, deleteInBatches } from '../maintenance/cleanup-registry';

/** Sweeper task: registration access tokens that expired or were revoked (RFC 7592 §1.3) are useless. */
@Injectable()
export class RegistrationTokensCleanup implements OnModuleInit {
  constructor(private readonly registry: CleanupRegistry) {}

  onModuleInit(): void {
    this.registry.register({
      name: 'registration_tokens',
      run: (manager) => deleteInBatches(manager, 'registration_tokens', 'expires_at < now() OR revoked_at IS NOT NULL'),
    });
  }
}
