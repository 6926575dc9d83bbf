import { APP_CONFIG, AppConfig } from '@app/config';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { UsersService } from './users.service';

export const DEMO_USERNAME = 'demo';
export const DEMO_PASSWORD = 'tessera-local-password';

/** LOGIN_DEMO_USER=true: creates the user demo / tessera-local-password for local use, once. */
@Injectable()
export class DemoUserSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger(DemoUserSeeder.name);

  constructor(
    private readonly users: UsersService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.login.demoUser || (await this.users.exists(DEMO_USERNAME))) return;
    await this.users.create(DEMO_USERNAME, DEMO_PASSWORD, { email: 'demo@example.com', name: 'Demo User' });
    this.logger.warn(`LOGIN_DEMO_USER is on: seeded the user "${DEMO_USERNAME}" with the documented password; for local use only`);
  }
}
