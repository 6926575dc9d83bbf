import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AccessTokenRecord } from './access-token.entity';
import { RefreshToken } from './refresh-token.entity';

/** Takes the single-use credential a family's tokens are issued for, in the transaction that stores them. */
export type FamilyClaim = (manager: EntityManager) => Promise<boolean>;

/** The only file that touches refresh_tokens and access_tokens. */
@Injectable()
export class TokensRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Stores what one token response issued, in one transaction. */
  async store(access: AccessTokenRecord, refresh: RefreshToken | undefined): Promise<void> {
    if (!refresh) {
      await this.dataSource.manager.insert(AccessTokenRecord, access);
      return;
    }
    await this.dataSource.transaction(async (manager: EntityManager) => {
      await manager.insert(AccessTokenRecord, access);
      await manager.insert(RefreshToken, refresh);
    });
  }

  findRefreshToken(tokenHash: string): Promise<RefreshToken | null> {
    return this.dataSource.manager.findOneBy(RefreshToken, { tokenHash });
  }

  /**
   * Stores what one token response of a family issued (the code exchange, a refresh), under the
   * family's lock and in one transaction with `claim`, which takes the single-use credential the
   * tokens are issued for (the code, the refresh token being rotated). When it was taken already,
   * the credential is being replayed: the family is revoked instead and nothing is stored. (A
   * concurrent delete of the client, user or consent grant cascades through the claimed row, so it
   * waits for this transaction or leaves nothing to claim.)
   */
  async storeInFamily(
    familyId: string,
    claim: FamilyClaim,
    access: AccessTokenRecord,
    refresh: RefreshToken | undefined,
  ): Promise<'stored' | 'replayed'> {
    return this.dataSource.transaction(async (manager) => {
      await lockFamily(manager, familyId);
      // RFC 9700 §4.14.2: a revocation of the family waits for this transaction, and this one for
      // it, so a token stored here is either seen by the revocation or refused by the claim.
      if (!(await claim(manager))) {
        await revokeFamily(manager, familyId);
        return 'replayed' as const;
      }
      await manager.insert(AccessTokenRecord, access);
      if (refresh) await manager.insert(RefreshToken, refresh);
      return 'stored' as const;
    });
  }

  /**
   * RFC 9700 §4.14.2 rotation: marks the refresh token used, in `manager`'s transaction (under its
   * family's lock); false when it was used or revoked before.
   */
  async claimRefreshToken(manager: EntityManager, tokenHash: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `UPDATE refresh_tokens SET used_at = now() WHERE token_hash = $1 AND used_at IS NULL AND revoked_at IS NULL RETURNING token_hash`,
      [tokenHash],
    );
    return rowCount(rows) === 1;
  }

  findAccessToken(jti: string): Promise<AccessTokenRecord | null> {
    return this.dataSource.manager.findOneBy(AccessTokenRecord, { jti });
  }

  async revokeAccessToken(jti: string): Promise<void> {
    await this.dataSource.query(`UPDATE access_tokens SET revoked_at = now() WHERE jti = $1 AND revoked_at IS NULL`, [jti]);
  }

  /**
   * Revokes every refresh and access token of a family (one code's descendants), under the
   * family's lock: a token response of the family being stored meanwhile is revoked with it.
   */
  async revokeFamily(familyId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await lockFamily(manager, familyId);
      await revokeFamily(manager, familyId);
    });
  }
}

/**
 * RFC 9700 §4.14.2: one lock per token family, held to the end of the transaction. Every write to
 * a family (storing a rotation or a code's tokens, revoking it) takes it first, on PostgreSQL and
 * on PGlite (whose single connection serializes transactions anyway).
 */
async function lockFamily(manager: EntityManager, familyId: string): Promise<void> {
  await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`tessera:token-family:${familyId}`]);
}

async function revokeFamily(manager: EntityManager, familyId: string): Promise<void> {
  await manager.query(`UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL`, [familyId]);
  await manager.query(`UPDATE access_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL`, [familyId]);
}

// node-postgres returns [rows, count] for UPDATE … RETURNING through TypeORM; PGlite returns the rows.
function rowCount(result: unknown[]): number {
  return Array.isArray(result[0]) ? (result[0] as unknown[]).length : result.length;
}
