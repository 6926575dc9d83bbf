import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AuthorizationCode } from './authorization-code.entity';

/** The only file that touches authorization_codes. */
@Injectable()
export class CodesRepository {
  constructor(@InjectRepository(AuthorizationCode) private readonly codes: Repository<AuthorizationCode>) {}

  async insert(code: AuthorizationCode): Promise<void> {
    await this.codes.insert(code);
  }

  /**
   * Marks the code used and returns it, atomically: of two concurrent redemptions exactly one gets
   * the row. `replayed` is the code when it exists but was used before.
   */
  async consume(codeHash: string): Promise<{ code: AuthorizationCode | null; replayed: AuthorizationCode | null }> {
    const result = await this.codes
      .createQueryBuilder()
      .update()
      .set({ usedAt: () => 'now()' })
      .where('code_hash = :codeHash AND used_at IS NULL', { codeHash })
      .returning('*')
      .execute();
    const row = (result.raw as CodeRow[])[0];
    if (row) return { code: fromRow(row), replayed: null };
    return { code: null, replayed: await this.codes.findOneBy({ codeHash }) };
  }
}

interface CodeRow {
  code_hash: string;
  family_id: string;
  client_id: string;
  user_id: string;
  grant_id: string;
  redirect_uri: string | null;
  scope: string;
  code_challenge: string | null;
  nonce: string | null;
  auth_time: string | Date;
  expires_at: string | Date;
  used_at: string | Date | null;
}

function fromRow(row: CodeRow): AuthorizationCode {
  return {
    codeHash: row.code_hash,
    familyId: row.family_id,
    clientId: row.client_id,
    userId: row.user_id,
    grantId: row.grant_id,
    redirectUri: row.redirect_uri,
    scope: row.scope,
    codeChallenge: row.code_challenge,
    nonce: row.nonce,
    authTime: new Date(row.auth_time),
    expiresAt: new Date(row.expires_at),
    usedAt: row.used_at ? new Date(row.used_at) : null,
  };
}
