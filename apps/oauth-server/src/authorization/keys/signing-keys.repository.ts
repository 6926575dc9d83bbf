import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { MoreThan, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { SigningKey } from './signing-key.entity';

/** The only file that touches signing_keys. */
@Injectable()
export class SigningKeysRepository {
  constructor(@InjectRepository(SigningKey) private readonly keys: Repository<SigningKey>) {}

  /** Keys still published (newest first): the signing key is the newest not yet retired. */
  published(now: Date): Promise<SigningKey[]> {
    return this.keys.find({ where: { publishUntil: MoreThan(now) }, order: { createdAt: 'DESC' } });
  }

  async insert(key: SigningKey): Promise<void> {
    // TypeORM's partial type cannot express a free-form jsonb object; the entity is complete.
    await this.keys.insert(key as QueryDeepPartialEntity<SigningKey>);
  }

  /** Retires every key that is still signing; they stay published until publishUntil. */
  async retireAll(now: Date): Promise<void> {
    await this.keys.update({ retireAt: MoreThan(now) }, { retireAt: now });
  }
}
