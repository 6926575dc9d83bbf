import { isForeignKeyViolation, runStatement } from '@app/database';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Client, SelfService } from './client.entity';
import type { RegistrationTokenStore } from './client-stores';
import { RegistrationToken } from './registration-token.entity';

/** Registration access tokens: lookup by hash, revocation and rotation. */
@Injectable()
export class RegistrationTokensRepository implements RegistrationTokenStore {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
 * The token with that hash and its client, in one round trip (the hot path of every RFC 7592 call):
 * the columns RFC 7592 read, update and delete decide on, the policy binding and statement claims included.
 */
  async findWithClient(tokenHash: string): Promise<{ token: RegistrationToken; client: Client } | null> {
    const rows = await runStatement<TokenWithClientRow>(
      this.dataSource,
      `SELECT t.client_id, t.expires_at, t.revoked_at, t.created_at,
              c.secret_hash, c.secret_expires_at, c.metadata, c.self_service, c.issued_at, c.updated_at,
              c.registration_policy, c.software_statement_claims
         FROM registration_tokens t JOIN clients c ON c.client_id = t.client_id
        WHERE t.token_hash = $1`,
      [tokenHash],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      token: {
        clientId: row.client_id,
        tokenHash,
        expiresAt: new Date(row.expires_at),
        revokedAt: row.revoked_at ? new Date(row.revoked_at) : null,
        createdAt: new Date(row.created_at),
      },
      client: {
        clientId: row.client_id,
        secretHash: row.secret_hash,
        secretExpiresAt: row.secret_expires_at ? new Date(row.secret_expires_at) : null,
        metadata: typeof row.metadata === 'string' ? JSON.parse(row.metadata) : row.metadata,
        selfService: row.self_service,
        issuedAt: new Date(row.issued_at),
        updatedAt: new Date(row.updated_at),
        registrationPolicy: row.registration_policy,
        softwareStatementClaims: typeof row.software_statement_claims === 'string' ? JSON.parse(row.software_statement_claims) : row.software_statement_claims,
      },
    };
  }

  async revoke(tokenHash: string): Promise<void> {
    await this.dataSource.query(`UPDATE registration_tokens SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL`, [tokenHash]);
  }

  /**
   * Stores a new token and lets every older live token of the client run out after the grace
   * period, so a client whose response was lost can retry with the token it still has. False when
   * the client was deleted meanwhile (a read racing an RFC 7592 §2.3 delete): its foreign key
   * refuses the new token. Given `manager`, the caller holds the client's row lock.
   */
  async rotate(token: RegistrationToken, graceSeconds: number, manager?: EntityManager): Promise<boolean> {
    if (!manager) {
      try {
        return await this.dataSource.transaction((inner) => this.rotate(token, graceSeconds, inner));
      } catch (error) {
        if (isForeignKeyViolation(error)) return false;
        throw error;
      }
    }
    await manager.insert(RegistrationToken, token);
    await manager.query(
      `UPDATE registration_tokens
          SET expires_at = LEAST(expires_at, now() + make_interval(secs => $3))
        WHERE client_id = $1 AND token_hash <> $2 AND revoked_at IS NULL
          -- only tokens not already cut to a grace period: each rotation touches one row, not every older one
          AND expires_at > now() + make_interval(secs => $3)`,
      [token.clientId, token.tokenHash, graceSeconds],
    );
    return true;
  }
}

interface TokenWithClientRow {
  client_id: string;
  expires_at: string | Date;
  revoked_at: string | Date | null;
  created_at: string | Date;
  secret_hash: string | null;
  secret_expires_at: string | Date | null;
  metadata: Client['metadata'] | string;
  self_service: SelfService;
  issued_at: string | Date;
  updated_at: string | Date;
  registration_policy: string;
  software_statement_claims: Client['softwareStatementClaims'] | string;
}
