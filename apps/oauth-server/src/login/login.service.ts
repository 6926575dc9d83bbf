import { APP_CONFIG, AppConfig } from '@app/config';
import { SecretHasher } from '@app/hashing';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { clientAddressKey } from './client-address';
import { LoginThrottleRepository } from './login-throttle.repository';
import { PasswordCheckGate, PasswordChecksBusyError } from './password-check-gate';
import { UserProfile, UsersService } from './users.service';

const REFUSAL_LOG_INTERVAL_MS = 10_000;

export type LoginOutcome =
  | { ok: true; user: UserProfile }
  | { ok: false; reason: 'invalid' | 'throttled' }
  | { ok: false; reason: 'busy'; retryAfterSeconds: number };

/**
 * The login decision (docs/security.md, "Login throttle" and "Password-check flood"): count the
 * attempt against username + client address and against the username alone, then check the
 * password through the per-instance gate.
 */
@Injectable()
export class LoginService {
  private readonly logger = new Logger(LoginService.name);
  private readonly gate: PasswordCheckGate;
  private refusedSinceLog = 0;
  private lastRefusalLog = 0;

  constructor(
    private readonly users: UsersService,
    private readonly throttle: LoginThrottleRepository,
    private readonly hasher: SecretHasher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.gate = new PasswordCheckGate(config.workerPool.cpuSize, Math.max(config.workerPool.cpuSize, config.login.passwordCheckMaxPending));
  }

  async attempt(username: string, password: string, address: string): Promise<LoginOutcome> {
    const { throttleMaxFailures, throttleMaxFailuresPerUsername, throttleWindowSeconds: window } = this.config.login;
    const name = username.toLowerCase();
    const source = clientAddressKey(address);
    // A full gate refuses before the throttle statements: a flood of refusals costs no database work.
    const early = this.gate.refusalFor(source);
    if (early) return this.busy(early);
    // Keyed hashes: the table never holds usernames or addresses in clear.
    const [pairKey, userKey] = await Promise.all([this.hasher.hash(`login\n${name}\n${source}`), this.hasher.hash(`login-user\n${name}`)]);
    // Taken before the password is checked, in one statement each, so that parallel guesses
    // cannot all pass a check made before any of them was counted (test/e2e/login/login-throttle.e2e-spec.ts).
    if ((await this.throttle.take(pairKey, window)) > throttleMaxFailures) {
      this.logger.warn('login throttled for a username and address');
      return { ok: false, reason: 'throttled' };
    }
    // One account guessed at from many addresses: a second, higher limit on the username alone.
    if ((await this.throttle.take(userKey, window)) > throttleMaxFailuresPerUsername) {
      this.logger.warn('login throttled for a username from all addresses');
      return { ok: false, reason: 'throttled' };
    }
    let user: UserProfile | null;
    try {
      user = await this.gate.run(source, () => this.users.verify(username, password));
    } catch (error) {
      if (!(error instanceof PasswordChecksBusyError)) throw error;
      // Not the user's fault: the attempt was never evaluated, so it does not count.
      await Promise.all([this.throttle.giveBack(pairKey), this.throttle.giveBack(userKey)]);
      return this.busy(error);
    }
    if (!user) {
      this.logger.warn('login failed');
      return { ok: false, reason: 'invalid' };
    }
    // The right password from this address clears its counter; against the username it only
    // gives back its own attempt, so a guesser elsewhere keeps the failures already counted.
    await Promise.all([this.throttle.clear(pairKey), this.throttle.giveBack(userKey)]);
    this.logger.log({ user_id: user.id }, 'user logged in');
    return { ok: true, user };
  }

  /** One warning per REFUSAL_LOG_INTERVAL_MS with the count, not one per refused request of a flood. */
  private busy(error: PasswordChecksBusyError): LoginOutcome {
    this.refusedSinceLog += 1;
    const now = Date.now();
    if (now - this.lastRefusalLog >= REFUSAL_LOG_INTERVAL_MS) {
      this.logger.warn({ refused: this.refusedSinceLog, ...this.gate.stats() }, 'logins refused: too many password checks in progress');
      this.refusedSinceLog = 0;
      this.lastRefusalLog = now;
    }
    return { ok: false, reason: 'busy', retryAfterSeconds: error.retryAfterSeconds };
  }
}
