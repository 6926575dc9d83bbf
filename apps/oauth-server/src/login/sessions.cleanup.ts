import { Injectable, OnModuleInit } from '@nestjs/common';
import { CleanupRegistry, deleteInBatches } from '../maintenance/cleanup-registry';

/** Sweeper tasks: expired sessions and login-throttle windows that have ended. */
@Injectable()
export class SessionsCleanup implements OnModuleInit {
  constructor(private readonly registry: CleanupRegistry) {}

  onModuleInit(): void {
    this.registry.register({ name: 'sessions', run: (manager) => deleteInBatches(manager, 'sessions', 'expires_at < now()') });
    this.registry.register({ name: 'login_throttle', run: (manager) => deleteInBatches(manager, 'login_throttle', 'window_ends_at < now()') });
  }
}
