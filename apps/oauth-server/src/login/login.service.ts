import { APP_CONFIG, AppConfig } from '@app/config';
import { SecretHasher } from '@app/hashing';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { LoginThrottleRepository } from './login-throttle.repository';
import { UserProfile, UsersService } from './users.service';

export type LoginOutcome = { ok: true; user: UserProfile } | { ok: false; reason: 'invalid' | 'throttled' };

/** The login decision: throttle per username + client address, then the password. */
@Injectable()
export class LoginService {
  private readonly logger = new Logger(LoginService.name);

  constructor(
    private readonly users: UsersService,
    private readonly throttle: LoginThrottleRepository,
    private readonly hasher: SecretHasher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async attempt(username: string, password: string, address: string): Promise<LoginOutcome> {
    // Keyed hash: the table never holds usernames or addresses in clear.
    const key = await this.hasher.hash(`login\n${username.toLowerCase()}\n${address}`);
    const { throttleMaxFailures: max, throttleWindowSeconds: window } = this.config.login;
    if ((await this.throttle.failures(key)) >= max) {
      this.logger.warn('login throttled for a username and address');
      return { ok: false, reason: 'throttled' };
    }
    const user = await this.users.verify(username, password);
    if (!user) {
      await this.throttle.recordFailure(key, window);
      this.logger.warn('login failed');
      return { ok: false, reason: 'invalid' };
    }
    await this.throttle.clear(key);
    this.logger.log({ user_id: user.id }, 'user logged in');
    return { ok: true, user };
  }
}
