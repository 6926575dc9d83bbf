import type { AuditEvent } from '../audit/audit-event.entity';
import type { Client, SelfService } from './client.entity';
import type { RegistrationToken } from './registration-token.entity';

/*
 * What the clients module's services need of storage, one narrow interface per concern (the fosite
 * pattern). ClientsRepository and RegistrationTokensRepository implement them on the database
 * (test/integration, test/e2e); test/support/fakes has in-memory ones for the unit specs.
 * Services receive them through the injection tokens below (clients.module.ts binds them).
 */

export const CLIENT_STORE = Symbol('ClientStore');
export const CLIENT_ADMINISTRATION_STORE = Symbol('ClientAdministrationStore');
export const REGISTRATION_TOKEN_STORE = Symbol('RegistrationTokenStore');

/** A decided RFC 7592 §2.2 update (client-update.ts decideUpdate). */
export interface ClientChange {
  metadata: Client['metadata'];
  secretHash: string | null;
  secretExpiresAt: Date | null;
  /** Claims of a newly presented software statement (RFC 7591 §2.3), if any. */
  softwareStatementClaims?: Client['softwareStatementClaims'];
}

/** What the registration must take or stay within; checked inside the insert's transaction. */
export interface Admission {
  initialAccessTokenId?: string | null;
  dailyQuotas?: { kind: 'software_id' | 'source_address'; key: string; limit: number }[];
}

export type CreateOutcome = 'created' | 'initial-access-token' | 'software_id' | 'source_address';

/** A registration access token to store with an update, the client's older ones cut to the grace period. */
export interface TokenRotation {
  token: RegistrationToken;
  graceSeconds: number;
}

/** Clients: registration, lookup, the two RFC 7592 §2.2 update operations, deletion. */
export interface ClientStore {
  /**
   * The client, its first registration access token and the audit record, atomically, after taking
   * the admission (one use of the initial access token, the daily quotas) in the same transaction.
   */
  create(client: Client, token: RegistrationToken, admission?: Admission, audit?: AuditEvent): Promise<CreateOutcome>;
  findById(clientId: string): Promise<Client | null>;
  /** Records a use (authorization or token request); unused registrations are swept. */
  markUsed(clientId: string): Promise<void>;
  /**
   * Optimistic: stores the change (and the audit record built from the updated client) only if the
   * row is still as `seen` — its updated_at, self-service and secret hash, the state the change was
   * decided on. Null when the row changed meanwhile or no longer exists.
   */
  updateIfUnchanged(seen: Client, change: ClientChange, audit?: (updated: Client) => AuditEvent): Promise<Client | null>;
  /**
   * Locked: reads the row under a row lock, lets the pure `decide` compute the change from it (a
   * thrown OAuthError rolls back) and stores the change, its audit record and the token rotation in
   * that transaction, so concurrent updates apply one after the other. Null when the client no longer exists.
   */
  updateLocked(
    clientId: string,
    decide: (locked: Client) => ClientChange,
    audit?: (updated: Client) => AuditEvent,
    rotation?: TokenRotation,
  ): Promise<Client | null>;
  /** Deletes the client and its tokens, with the audit record, only if a row was deleted. */
  delete(clientId: string, audit?: AuditEvent): Promise<boolean>;
}

/** Operator administration of clients (CLI). */
export interface ClientAdministrationStore {
  list(limit: number): Promise<Client[]>;
  rotateSecret(clientId: string, secretHash: string, secretExpiresAt: Date | null, graceSeconds: number): Promise<Client | 'public' | null>;
  setSelfService(clientId: string, selfService: SelfService): Promise<boolean>;
  setIntrospectionAllowed(clientId: string, introspectionAllowed: boolean): Promise<boolean>;
}

/** Registration access tokens (RFC 7592 §1.1): lookup by hash, revocation, rotation. */
export interface RegistrationTokenStore {
  findWithClient(tokenHash: string): Promise<{ token: RegistrationToken; client: Client } | null>;
  revoke(tokenHash: string): Promise<void>;
  /** Stores a new token, the client's older live ones cut to the grace period; false when the client is gone. */
  rotate(token: RegistrationToken, graceSeconds: number): Promise<boolean>;
}
