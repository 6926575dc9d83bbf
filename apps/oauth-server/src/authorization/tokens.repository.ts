import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AccessTokenRecord } from './access-token.entity';
import { RefreshToken } from './refresh-token.entity';

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

  /** Marks the refresh token used; false when another request used it first. */
  async markRefreshTokenUsed(tokenHash: string): Promise<boolean> {
    const result = await this.dataSource.manager
      .createQueryBuilder()
      .update(RefreshToken)
      .set({ usedAt: () => 'now()' })
      .where('token_hash = :tokenHash AND used_at IS NULL AND revoked_at IS NULL', { tokenHash })
      .execute();
    return (result.affected ?? 0) === 1;
  }

  findAccessToken(jti: string): Promise<AccessTokenRecord | null> {
    return this.dataSource.manager.findOneBy(AccessTokenRecord, { jti });
  }

  async revokeAccessToken(jti: string): Promise<void> {
    await this.dataSource.query(`UPDATE access_tokens SET revoked_at = now() WHERE jti = $1 AND revoked_at IS NULL`, [jti]);
  }

  /** Revokes every refresh and access token of a family (one code's descendants). */
  async revokeFamily(familyId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query(`UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL`, [familyId]);
      await manager.query(`UPDATE access_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL`, [familyId]);
    });
  }
}
