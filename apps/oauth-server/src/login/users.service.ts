import { APP_CONFIG, AppConfig } from '@app/config';
import { WorkerPoolService } from '@app/worker-pool';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { compare, hash } from 'bcrypt';
import { randomUUID } from 'node:crypto';
import { isValidUsername, passwordProblem } from './password-policy';
import { User } from './user.entity';
import { UsersRepository } from './users.repository';

export class UserCreationError extends Error {}

/** What other modules see of a user: the OIDC subject and the claims userinfo may release. */
export interface UserProfile {
  id: string;
  username: string;
  email: string | null;
  name: string | null;
}

/** Users and their passwords (bcrypt; its async API runs in libuv's thread pool, off the event loop). */
@Injectable()
export class UsersService {
  private readonly logger = new Logger(UsersService.name);
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly users: UsersRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly pool: WorkerPoolService,
  ) {}

  /** Throws UserCreationError with an operator-readable reason on a bad username, weak password or duplicate. */
  async create(username: string, password: string, extra: { email?: string; name?: string } = {}): Promise<UserProfile> {
    if (!isValidUsername(username)) {
      throw new UserCreationError('the username must be 1–64 letters, digits or . _ @ -');
    }
    const problem = passwordProblem(password, username, this.config.login.passwordMinLength);
    if (problem) throw new UserCreationError(problem);
    const user: User = {
      id: randomUUID(),
      username,
      email: extra.email ?? null,
      name: extra.name ?? null,
      passwordHash: await this.pool.runCpuBound({ name: 'password.hash', run: () => hash(password, this.config.login.bcryptCost) }),
      createdAt: new Date(),
    };
    if (!(await this.users.insert(user))) throw new UserCreationError(`the username "${username}" is already taken`);
    this.logger.log({ user_id: user.id }, 'user created');
    return toProfile(user);
  }

  /**
   * The user when the password is right, else null. An unknown username still costs one bcrypt
   * comparison against a dummy hash, so the response time does not reveal which usernames exist.
   */
  async verify(username: string, password: string): Promise<UserProfile | null> {
    const user = isValidUsername(username) ? await this.users.findByUsername(username) : null;
    const stored = user?.passwordHash ?? (await this.dummy());
    const matches = Buffer.byteLength(password, 'utf8') <= 1024 && (await this.pool.runCpuBound({ name: 'password.verify', run: () => compare(password, stored) }));
    return user && matches ? toProfile(user) : null;
  }

  async findById(id: string): Promise<UserProfile | null> {
    const user = await this.users.findById(id);
    return user ? toProfile(user) : null;
  }

  async exists(username: string): Promise<boolean> {
    return (await this.users.findByUsername(username)) !== null;
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= hash('not a password of anyone', this.config.login.bcryptCost);
    return this.dummyHash;
  }
}

function toProfile(user: User): UserProfile {
  return { id: user.id, username: user.username, email: user.email, name: user.name };
}
