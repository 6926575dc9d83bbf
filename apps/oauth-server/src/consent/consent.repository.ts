import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import { ConsentGrant } from './consent-grant.entity';
import type { ConsentStore } from './consent-store';

/** The only file that touches consent_grants. */
@Injectable()
export class ConsentRepository implements ConsentStore {
  constructor(@InjectRepository(ConsentGrant) private readonly grants: Repository<ConsentGrant>) {}

  find(userId: string, clientId: string): Promise<ConsentGrant | null> {
    return this.grants.findOneBy({ userId, clientId });
  }

  /** Stores the grant, or widens the existing one to the given scope and resource scopes; returns the grant's id. */
  async upsert(userId: string, clientId: string, scope: string, resourceScopes: Record<string, string> = {}): Promise<string> {
    const rows: { id: string }[] = await this.grants.query(
      `INSERT INTO consent_grants (id, user_id, client_id, scope, resource_scopes) VALUES ($1, $2, $3, $4, $5::jsonb)
       ON CONFLICT (user_id, client_id) DO UPDATE SET scope = EXCLUDED.scope, resource_scopes = EXCLUDED.resource_scopes, updated_at = now()
       RETURNING id`,
      [randomUUID(), userId, clientId, scope, JSON.stringify(resourceScopes)],
    );
    return rows[0].id;
  }

  listForUser(userId: string): Promise<ConsentGrant[]> {
    return this.grants.find({ where: { userId }, order: { createdAt: 'ASC' } });
  }

  /** Deletes the grant; codes and tokens issued under it go with it (ON DELETE CASCADE). */
  async delete(userId: string, clientId: string): Promise<boolean> {
    const result = await this.grants.delete({ userId, clientId });
    return (result.affected ?? 0) > 0;
  }
}
