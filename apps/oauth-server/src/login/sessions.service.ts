import { APP_CONFIG, AppConfig } from '@app/config';
import { randomToken } from '@app/crypto';
import { SecretHasher } from '@app/hashing';
import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { cookiePolicy, MAX_SESSION_ID_LENGTH, sessionCookieName } from './cookies';
import { SessionsRepository } from './sessions.repository';

/** What other modules see of a login session. */
export interface CurrentSession {
  userId: string;
  /** OIDC Core §2 auth_time: when the user last entered the password. */
  authTime: Date;
}

/**
 * Database-backed sessions: any instance can serve the next request. The cookie carries 256 random
 * bits; the table holds only their HMAC, so a database leak yields no usable session.
 */
@Injectable()
export class SessionsService {
  private readonly cookieName: string;
  private readonly cookieOptions;

  constructor(
    private readonly sessions: SessionsRepository,
    private readonly hasher: SecretHasher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.cookieName = sessionCookieName(config);
    this.cookieOptions = cookiePolicy(config).options;
  }

  /** The live session of the request (its idle clock reset), or null. */
  async current(request: FastifyRequest): Promise<CurrentSession | null> {
    const id = request.cookies?.[this.cookieName];
    if (!id || id.length > MAX_SESSION_ID_LENGTH) return null;
    const session = await this.sessions.touch(await this.hasher.hash(id), this.config.login.sessionIdleTtlSeconds);
    return session ? { userId: session.userId, authTime: session.authTime } : null;
  }

  /**
   * Starts a session for the user after a successful login. Any session the browser brought is
   * ended first and the new one gets a fresh id, so an id planted before login is worthless
   * (session fixation).
   */
  async start(request: FastifyRequest, reply: FastifyReply, userId: string): Promise<void> {
    await this.end(request, reply);
    const id = randomToken(32);
    const now = new Date();
    const absolute = this.config.login.sessionAbsoluteTtlSeconds;
    await this.sessions.insert({
      idHash: await this.hasher.hash(id),
      userId,
      authTime: now,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + absolute * 1000),
    });
    reply.setCookie(this.cookieName, id, { ...this.cookieOptions, maxAge: absolute });
  }

  async end(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const id = request.cookies?.[this.cookieName];
    if (id && id.length <= MAX_SESSION_ID_LENGTH) await this.sessions.delete(await this.hasher.hash(id));
    if (id) reply.clearCookie(this.cookieName, this.cookieOptions);
  }
}
