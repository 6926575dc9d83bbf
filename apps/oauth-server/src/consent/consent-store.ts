import type { ConsentGrant } from './consent-grant.entity';

/** Injection token of the ConsentStore (consent.module.ts binds it to ConsentRepository). */
export const CONSENT_STORE = Symbol('ConsentStore');

/**
 * What ConsentService needs of storage: ConsentRepository on the database (test/e2e), an in-memory
 * fake (test/support/fakes/consent-store.fake.ts) in consent.service.spec.ts.
 */
export interface ConsentStore {
  find(userId: string, clientId: string): Promise<ConsentGrant | null>;
  /** Stores the grant, or replaces the existing one's scope and resource scopes; returns the grant's id. */
  upsert(userId: string, clientId: string, scope: string, resourceScopes?: Record<string, string>): Promise<string>;
  /** The user's grants, oldest first. */
  listForUser(userId: string): Promise<ConsentGrant[]>;
  /** Deletes the grant; codes and tokens issued under it go with it. */
  delete(userId: string, clientId: string): Promise<boolean>;
}
