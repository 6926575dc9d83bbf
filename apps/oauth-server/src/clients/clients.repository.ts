import { runStatement } from '@app/database';
import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import type { AuditEvent } from '../audit/audit-event.entity';
import { AuditRepository } from '../audit/audit.repository';
import { Client, SelfService } from './client.entity';
import type { Admission, ClientAdministrationStore, ClientChange, ClientStore, CreateOutcome, TokenRotation } from './client-stores';
import { RegistrationToken } from './registration-token.entity';
import { RegistrationTokensRepository } from './registration-tokens.repository';

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
export class ClientsRepository implements ClientStore, ClientAdministrationStore {
  constructor(
    @InjectRepository(Client) private readonly clients: Repository<Client>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tokens: RegistrationTokensRepository,
  ) {}

  /**
   * Inserts the client, its first registration access token and the audit record of the
   * registration in one transaction, after taking one use of the initial access token and checking
   * the daily quotas in that same transaction: a refusal rolls everything back, and two concurrent
   * registrations cannot both take the last use. Without an admission to check, the three INSERTs
   * are one statement, so one round trip (a statement is its own transaction).
   */
  async create(client: Client, token: RegistrationToken, admission: Admission = {}, audit?: AuditEvent): Promise<CreateOutcome> {
    const inserts = insertRegistration(client, token, audit);
    if (!admission.initialAccessTokenId && !admission.dailyQuotas?.length) {
      await runStatement(this.dataSource, inserts.sql, inserts.params);
      return 'created';
    }
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
        await manager.query(inserts.sql, inserts.params);
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
   * Optimistic (the RFC 7592 §2.2 update without a token rotation): one conditional UPDATE, keyed on
   * the state the change was decided on, with the audit record in the same statement. Null when the
   * row changed meanwhile (the caller falls back to updateLocked) or is gone.
   */
  async updateIfUnchanged(seen: Client, change: ClientChange, audit?: (updated: Client) => AuditEvent): Promise<Client | null> {
    const updated = applyChange(seen, change);
    const stored = await storeUpdate(this.dataSource.manager, updated, change.softwareStatementClaims ?? null, audit?.(updated), seen);
    return stored ? updated : null;
  }

  /**
   * Locked: the row is read under `SELECT … FOR UPDATE`, `decide` (pure, client-update.ts) computes
   * the change from it, and the change, its audit record and the token rotation are stored in that
   * transaction: concurrent updates of one client apply one after the other, and none is
   * acknowledged without its record. A thrown refusal rolls back. Null when the client no longer exists.
   */
  async updateLocked(
    clientId: string,
    decide: (locked: Client) => ClientChange,
    audit?: (updated: Client) => AuditEvent,
    rotation?: TokenRotation,
  ): Promise<Client | null> {
    return this.dataSource.transaction(async (manager) => {
      const current = await manager.findOne(Client, { where: { clientId }, lock: { mode: 'pessimistic_write' } });
      if (!current) return null;
      const change = decide(current);
      const updated = applyChange(current, change);
      await storeUpdate(manager, updated, change.softwareStatementClaims ?? null, audit?.(updated));
      if (rotation) await this.tokens.rotate(rotation.token, rotation.graceSeconds, manager);
      return updated;
    });
  }

  /**
   * Deletes the client (its registration tokens go with it: ON DELETE CASCADE) and stores the audit
   * record of the deletion in the same statement, only if a row was deleted.
   */
  async delete(clientId: string, audit?: AuditEvent): Promise<boolean> {
    if (!audit) {
      const result = await this.clients.delete({ clientId });
      return (result.affected ?? 0) > 0;
    }
    const record = AuditRepository.insertStatement(audit, 2, 'deleted');
    const rows: { deleted: string | number }[] = await this.dataSource.query(
      `WITH deleted AS (DELETE FROM clients WHERE client_id = $1 RETURNING client_id), audit AS (${record.sql})
       SELECT count(*) AS deleted FROM deleted`,
      [clientId, ...record.params],
    );
    return Number(rows[0].deleted) > 0;
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

  async setIntrospectionAllowed(clientId: string, introspectionAllowed: boolean): Promise<boolean> {
    const result = await this.clients.update({ clientId }, { introspectionAllowed, updatedAt: new Date() });
    return (result.affected ?? 0) > 0;
  }
}


/** One statement: the client, its first registration access token and, if given, the audit record. */
function insertRegistration(client: Client, token: RegistrationToken, audit?: AuditEvent): { sql: string; params: unknown[] } {
  const params: unknown[] = [
    client.clientId,
    client.secretHash,
    client.secretExpiresAt?.toISOString() ?? null,
    JSON.stringify(client.metadata),
    client.selfService,
    client.issuedAt.toISOString(),
    client.updatedAt.toISOString(),
    client.registrationPolicy ?? 'default',
    client.initialAccessTokenId ?? null,
    client.registeredFrom ?? null,
    client.softwareStatementClaims ? JSON.stringify(client.softwareStatementClaims) : null,
    token.tokenHash,
    token.expiresAt.toISOString(),
    token.revokedAt?.toISOString() ?? null,
    token.createdAt.toISOString(),
    client.admittedBy ?? 'anonymous',
  ];
  if (!audit) return { sql: REGISTRATION_SQL, params };
  params.push(...AuditRepository.insertParams(audit));
  return { sql: REGISTRATION_WITH_AUDIT_SQL, params };
}

// Data-modifying CTEs run as one statement; the token's foreign key is checked at its end. Built
// once: the text is also the prepared statement's identity (runStatement).
const REGISTRATION_PARAMS = 16;
const registrationSql = (audit: boolean): string => `WITH client AS (
      INSERT INTO clients (client_id, secret_hash, secret_expires_at, metadata, self_service, issued_at, updated_at,
                           registration_policy, initial_access_token_id, registered_from, software_statement_claims, admitted_by)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $16)
    ), token AS (
      INSERT INTO registration_tokens (client_id, token_hash, expires_at, revoked_at, created_at)
      VALUES ($1, $12, $13, $14, $15)
    )${audit ? `, audit AS (${AuditRepository.insertSql(REGISTRATION_PARAMS + 1)})` : ''}
    SELECT 1`;
const REGISTRATION_SQL = registrationSql(false);
const REGISTRATION_WITH_AUDIT_SQL = registrationSql(true);

function applyChange(current: Client, change: ClientChange): Client {
  return { ...current, metadata: change.metadata, secretHash: change.secretHash, secretExpiresAt: change.secretExpiresAt, updatedAt: new Date() };
}

/**
 * The client's new metadata and secret, and with it the audit record of the update, in one
 * statement. With `seen`, only if the row still has the state the change was decided on (its
 * updated_at, self-service and secret); returns whether the row was updated.
 */
async function storeUpdate(
  manager: EntityManager,
  updated: Client,
  newClaims: Client['softwareStatementClaims'],
  audit?: AuditEvent,
  seen?: Client,
): Promise<boolean> {
  const params: unknown[] = [
    updated.clientId,
    JSON.stringify(updated.metadata),
    updated.secretHash,
    updated.secretExpiresAt,
    updated.updatedAt,
    newClaims ? JSON.stringify(newClaims) : null,
  ];
  let unchanged = '';
  if (seen) {
    unchanged = ` AND updated_at = $7 AND self_service = $8 AND secret_hash IS NOT DISTINCT FROM $9`;
    params.push(seen.updatedAt, seen.selfService, seen.secretHash);
  }
  const record = audit ? AuditRepository.insertStatement(audit, params.length + 1, 'updated') : undefined;
  if (record) params.push(...record.params);
  const rows: { updated: string | number }[] = await manager.query(
    `WITH updated AS (
       UPDATE clients SET metadata = $2, secret_hash = $3, secret_expires_at = $4, updated_at = $5,
                          software_statement_claims = COALESCE($6::jsonb, software_statement_claims)
        WHERE client_id = $1${unchanged}
        RETURNING client_id
     )${record ? `, audit AS (${record.sql})` : ''}
     SELECT count(*) AS updated FROM updated`,
    params,
  );
  return Number(rows[0].updated) > 0;
}
