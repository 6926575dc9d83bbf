import { randomUUID } from 'node:crypto';
import type { ConsentGrant } from '../../../apps/oauth-server/src/consent/consent-grant.entity';
import type { ConsentStore } from '../../../apps/oauth-server/src/consent/consent-store';

/** ConsentRepository's contract in memory (one grant per user and client), for consent.service.spec.ts. */
export class InMemoryConsentStore implements ConsentStore {
  readonly grants = new Map<string, ConsentGrant>();

  async find(userId: string, clientId: string): Promise<ConsentGrant | null> {
    const grant = this.grants.get(key(userId, clientId));
    return grant ? structuredClone(grant) : null;
  }

  async upsert(userId: string, clientId: string, scope: string, resourceScopes: Record<string, string> = {}): Promise<string> {
    const existing = this.grants.get(key(userId, clientId));
    const now = new Date();
    const grant: ConsentGrant = existing
      ? { ...existing, scope, resourceScopes: { ...resourceScopes }, updatedAt: now }
      : { id: randomUUID(), userId, clientId, scope, resourceScopes: { ...resourceScopes }, createdAt: now, updatedAt: now };
    this.grants.set(key(userId, clientId), grant);
    return grant.id;
  }

  async listForUser(userId: string): Promise<ConsentGrant[]> {
    return [...this.grants.values()]
      .filter((grant) => grant.userId === userId)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
      .map((grant) => structuredClone(grant));
  }

  async delete(userId: string, clientId: string): Promise<boolean> {
    return this.grants.delete(key(userId, clientId));
  }
}

const key = (userId: string, clientId: string) => `${userId}\u0000${clientId}`;
