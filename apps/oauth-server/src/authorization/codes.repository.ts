import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, Repository } from 'typeorm';
import { AuthorizationCode } from './authorization-code.entity';

/** The only file that touches authorization_codes. */
@Injectable()
export class CodesRepository {
  constructor(@InjectRepository(AuthorizationCode) private readonly codes: Repository<AuthorizationCode>) {}

  async insert(code: AuthorizationCode): Promise<void> {
    await this.codes.insert(code);
  }

  find(codeHash: string): Promise<AuthorizationCode | null> {
    return this.codes.findOneBy({ codeHash });
  }

  /**
   * RFC 6749 §4.1.2 single use: marks the code used, in `manager`'s transaction (the one that stores
   * its tokens, under the family's lock); false when it was used before. Of two concurrent
   * redemptions exactly one gets true.
   */
  async claim(manager: EntityManager, codeHash: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `UPDATE authorization_codes SET used_at = now() WHERE code_hash = $1 AND used_at IS NULL RETURNING code_hash`,
      [codeHash],
    );
    return rowCount(rows) === 1;
  }

  /** Uses the code up without issuing anything: a redemption that failed a check gets no second try. */
  async burn(codeHash: string): Promise<void> {
    await this.codes.update({ codeHash, usedAt: IsNull() }, { usedAt: () => 'now()' });
  }
}

// node-postgres returns [rows, count] for UPDATE … RETURNING through TypeORM; PGlite returns the rows.
function rowCount(result: unknown[]): number {
  return Array.isArray(result[0]) ? (result[0] as unknown[]).length : result.length;
}
