import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, MoreThan, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { SigningKey } from './signing-key.entity';

/**
 * The only file that touches signing_keys and signing_key_set. Every change of the key set (a new
 * key, a rotation, a revocation) bumps the one version row in the same transaction, so that every
 * instance can tell with one primary-key read whether its cached key set is still current.
 */
@Injectable()
export class SigningKeysRepository {
  constructor(@InjectRepository(SigningKey) private readonly keys: Repository<SigningKey>) {}

  /** Keys still published (newest first): the signing key is the newest not yet retired. Revoked keys never are. */
  published(now: Date): Promise<SigningKey[]> {
    return this.keys.find({ where: { publishUntil: MoreThan(now), revokedAt: IsNull() }, order: { createdAt: 'DESC' } });
  }

  /** Every key ever created, newest first (the operator's keys:list). */
  all(): Promise<SigningKey[]> {
    return this.keys.find({ select: { kid: true, createdAt: true, retireAt: true, publishUntil: true, revokedAt: true }, order: { createdAt: 'DESC' } });
  }

  /** The version of the key set; changes with every insert, rotation and revocation. */
  async version(): Promise<string> {
    const rows: { version: string | number }[] = await this.keys.query('SELECT version FROM signing_key_set WHERE id = 1');
    return String(rows[0]?.version ?? 0);
  }

  async insert(key: SigningKey): Promise<void> {
    await this.keys.manager.transaction(async (manager) => {
      // TypeORM's partial type cannot express a free-form jsonb object; the entity is complete.
      await manager.insert(SigningKey, key as QueryDeepPartialEntity<SigningKey>);
      await bumpVersion(manager);
    });
  }

  /** Retires every key that is still signing; they stay published until publishUntil. */
  async retireAll(now: Date): Promise<void> {
    await this.keys.manager.transaction(async (manager) => {
      await manager.update(SigningKey, { retireAt: MoreThan(now) }, { retireAt: now });
      await bumpVersion(manager);
    });
  }

  /** Withdraws a key: it signs nothing more and is unpublished at once. False when no such live key. */
  async revoke(kid: string, now: Date): Promise<boolean> {
    return this.keys.manager.transaction(async (manager) => {
      const result = await manager.update(SigningKey, { kid, revokedAt: IsNull() }, { revokedAt: now, retireAt: now, publishUntil: now });
      if ((result.affected ?? 0) === 0) return false;
      await bumpVersion(manager);
      return true;
    });
  }
}

async function bumpVersion(manager: EntityManager): Promise<void> {
  await manager.query(
    'INSERT INTO signing_key_set (id, version) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET version = signing_key_set.version + 1',
  );
}
