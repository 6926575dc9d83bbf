import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { Client, SelfService } from './client.entity';
import { RegistrationToken } from './registration-token.entity';
import { RegistrationTokensRepository } from './registration-tokens.repository';

export interface ClientChange {
  metadata: Client['metadata'];
  secretHash: string | null;
  secretExpiresAt: Date | null;
  /** A rotated registration access token to store with the change, if any. */
  newToken?: RegistrationToken;
  /** Claims of a newly presented software statement (RFC 7591 §2.3), if any. */
  softwareStatementClaims?: Client['softwareStatementClaims'];
}

/** What the registration must take or stay within; checked inside the insert's transaction. */
export interface Admission {
  initialAccessTokenId?: string | null;
  dailyQuotas?: { kind: 'software_id' | 'source_address'; key: string; limit: number }[];
}

export type CreateOutcome = 'created' | 'initial-access-token' | 'software_id' | 'source_address';

class Refused extends Error {
  constructor(readonly outcome: Exclude<CreateOutcome, 'created'>) {
    super(outcome);
  }
}

// node-postgres returns [rows, count] for UPDATE … RETURNING through TypeORM; PGlite returns the rows.
function rowCount(result: unknown[]): number {
  return Array.isArray(result[0]) ? (result[0] as unknown[]).length : result.length;
}

/** The only place that stores clients; a client and its registration tokens change together. */
@Injectable()
export class ClientsRepository {
  constructor(
    @InjectRepository(Client) private readonly clients: Repository<Client>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tokens: RegistrationTokensRepository,
  ) {}

  /**
   * Inserts the client and its first registration access token in one transaction, after taking one
   * use of the initial access token and checking the daily quotas in that same transaction: a
   * refusal rolls everything back, and two concurrent registrations cannot both take the last use.
   */
  async create(client: Client, token: RegistrationToken, admission: Admission = {}): Promise<CreateOutcome> {
    try {
      await this.dataSource.transaction(async (manager) => {
        if (admission.initialAccessTokenId) {
          // The row lock of this UPDATE serialises concurrent registrations on one token.
          const taken: unknown[] = await manager.query(
            `UPDATE initial_access_tokens SET remaining = remaining - 1
              WHERE id = $1 AND revoked_at IS NULL AND expires_at > now() AND (remaining IS NULL OR remaining > 0)
              RETURNING id`,
            [admission.initialAccessTokenId],
          );
          if (rowCount(taken) === 0) throw new Refused('initial-access-token');
        }
        for (const quota of admission.dailyQuotas ?? []) {
          // One registration per key at a time, so the count below cannot be raced past the limit.
          await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`tessera:registration:${quota.kind}:${quota.key}`]);
          const column = quota.kind === 'software_id' ? `metadata->>'software_id'` : 'registered_from';
          const rows: { count: string | number }[] = await manager.query(
            `SELECT count(*) AS count FROM clients WHERE ${column} = $1 AND issued_at > now() - interval '1 day'`,
            [quota.key],
          );
          if (Number(rows[0].count) >= quota.limit) throw new Refused(quota.kind);
        }
        await manager.insert(Client, client);
        await manager.insert(RegistrationToken, token);
      });
      return 'created';
    } catch (error) {
      if (error instanceof Refused) return error.outcome;
      throw error;
    }
  }

  findById(clientId: string): Promise<Client | null> {
    return this.clients.findOneBy({ clientId });
  }

  /**
   * Locks the client row, lets `decide` compute the change from the current state and stores it,
   * all in one transaction: concurrent updates of one client apply one after the other.
   * Returns null when the client no longer exists.
   */
  async update(clientId: string, decide: (current: Client) => Promise<ClientChange>, graceSeconds: number): Promise<Client | null> {
    return this.dataSource.transaction(async (manager) => {
      const current = await manager.findOne(Client, { where: { clientId }, lock: { mode: 'pessimistic_write' } });
      if (!current) return null;
      const change = await decide(current);
      const updated: Client = {
        ...current,
        metadata: change.metadata,
        secretHash: change.secretHash,
        secretExpiresAt: change.secretExpiresAt,
        updatedAt: new Date(),
      };
      await manager.update(
        Client,
        { clientId },
        {
          metadata: change.metadata,
          secretHash: updated.secretHash,
          secretExpiresAt: updated.secretExpiresAt,
          updatedAt: updated.updatedAt,
          ...(change.softwareStatementClaims ? { softwareStatementClaims: change.softwareStatementClaims } : {}),
        },
      );
      if (change.newToken) await this.tokens.rotate(change.newToken, graceSeconds, manager);
      return updated;
    });
  }

  /** Deletes the client; its registration tokens go with it (ON DELETE CASCADE). */
  async delete(clientId: string): Promise<boolean> {
    const result = await this.clients.delete({ clientId });
    return (result.affected ?? 0) > 0;
  }

  /** Operator listing, newest first. */
  list(limit: number): Promise<Client[]> {
    return this.clients.find({ order: { issuedAt: 'DESC' }, take: limit });
  }

  /**
   * Operator secret rotation: the current hash becomes the previous one, accepted until the grace
   * period ends; the registration access tokens are not touched. Null when the client does not exist.
   */
  async rotateSecret(clientId: string, secretHash: string, secretExpiresAt: Date | null, graceSeconds: number): Promise<Client | 'public' | null> {
    return this.dataSource.transaction(async (manager) => {
      const current = await manager.findOne(Client, { where: { clientId }, lock: { mode: 'pessimistic_write' } });
      if (!current) return null;
      if (current.secretHash === null) return 'public';
      const now = new Date();
      const change = {
        secretHash,
        secretExpiresAt,
        previousSecretHash: current.secretHash,
        previousSecretExpiresAt: new Date(now.getTime() + graceSeconds * 1000),
        updatedAt: now,
      };
      await manager.update(Client, { clientId }, change);
      return { ...current, ...change };
    });
  }

  /**
   * Records that the client was used (an authorization or token request), at most once an hour per
   * client so the hot path stays a read. Never-used registrations are what the sweeper removes.
   */
  async markUsed(clientId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE clients SET last_used_at = now()
        WHERE client_id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 hour')`,
      [clientId],
    );
  }

  async setSelfService(clientId: string, selfService: SelfService): Promise<boolean> {
    const result = await this.clients.update({ clientId }, { selfService, updatedAt: new Date() });
    return (result.affected ?? 0) > 0;
  }
}

