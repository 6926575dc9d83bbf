import { APP_CONFIG, AppConfig } from '@app/config';
import { WorkerPoolService } from '@app/worker-pool';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { compare, hash } from 'bcrypt';
import { randomUUID } from 'node:crypto';
import { isValidUsername, passwordProblem } from './password-policy';
import { SessionsRepository } from './sessions.repository';
import { User } from './user.entity';
import { UsersRepository } from './users.repository';

export class UserCreationError extends Error {}

/** What the operator CLI shows of a user (never the password hash). */
export interface UserRecord extends UserProfile {
  createdAt: Date;
  disabledAt: Date | null;
}

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
    private readonly sessions: SessionsRepository,
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
    // A disabled user is refused like a wrong password, after the same bcrypt work (docs/operations.md, "Users").
    return user && matches && !user.disabledAt ? toProfile(user) : null;
  }

  /** false when the user is disabled or gone: the token issuer asks before every grant and refresh. */
  isActive(id: string): Promise<boolean> {
    return this.users.isActive(id);
  }

  async list(limit: number): Promise<UserRecord[]> {
    return (await this.users.list(limit)).map(toRecord);
  }

  /** By username (case-insensitive) or by id (the OIDC subject). */
  async find(usernameOrId: string): Promise<UserRecord | null> {
    const user = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(usernameOrId)
      ? await this.users.findById(usernameOrId)
      : isValidUsername(usernameOrId)
        ? await this.users.findByUsername(usernameOrId)
        : null;
    return user ? toRecord(user) : null;
  }

  /** Disabling also ends every session, so the user is signed out at once; enabling does not restore them. */
  async setDisabled(id: string, disabled: boolean): Promise<boolean> {
    if (!(await this.users.setDisabled(id, disabled))) return false;
    if (disabled) await this.sessions.deleteForUser(id);
    this.logger.log({ user_id: id }, disabled ? 'user disabled' : 'user enabled');
    return true;
  }

  /** Throws UserCreationError when the password breaks the policy; ends every session of the user. */
  async setPassword(user: UserProfile, password: string): Promise<void> {
    const problem = passwordProblem(password, user.username, this.config.login.passwordMinLength);
    if (problem) throw new UserCreationError(problem);
    const passwordHash = await this.pool.runCpuBound({ name: 'password.hash', run: () => hash(password, this.config.login.bcryptCost) });
    await this.users.setPasswordHash(user.id, passwordHash);
    await this.sessions.deleteForUser(user.id);
    this.logger.log({ user_id: user.id }, 'user password changed');
  }

  /** Ends every login session of the user; returns how many were ended. */
  async endSessions(id: string): Promise<number> {
    const ended = await this.sessions.deleteForUser(id);
    this.logger.log({ user_id: id, sessions: ended }, 'user sessions revoked');
    return ended;
  }

  async delete(id: string): Promise<boolean> {
    const deleted = await this.users.delete(id);
    if (deleted) this.logger.log({ user_id: id }, 'user deleted');
    return deleted;
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

function toRecord(user: User): UserRecord {
  return { ...toProfile(user), createdAt: user.createdAt, disabledAt: user.disabledAt ?? null };
}
