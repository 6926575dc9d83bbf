import { APP_CONFIG, AppConfig } from '@app/config';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { CleanupRegistry, deleteInBatches } from '../maintenance/cleanup-registry';

/**
 * Sweeper task (docs/operations.md §6): a registration never used — no authorization request, no token request —
 * within REGISTRATION_UNUSED_CLIENT_TTL_SECONDS is removed, with its registration tokens (ON DELETE
 * CASCADE). Keeps open registration from accumulating abandoned or spam clients. 0 turns it off.
 */
@Injectable()
export class UnusedClientsCleanup implements OnModuleInit {
  constructor(
    private readonly registry: CleanupRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    const ttl = this.config.registration.unusedClientTtlSeconds;
    if (ttl === 0) return;
    this.registry.register({
      name: 'unused_clients',
      // ttl is a validated integer from the configuration, never request input.
      run: (manager) => deleteInBatches(manager, 'clients', `last_used_at IS NULL AND issued_at < now() - interval '${Math.floor(ttl)} seconds'`),
    });
  }
}
