import type { AuditEvent } from '../../../apps/oauth-server/src/audit/audit-event.entity';
import type { AuditRecord } from '../../../apps/oauth-server/src/audit/audit.service';
import type { Client, SelfService } from '../../../apps/oauth-server/src/clients/client.entity';
import type {
  Admission,
  ClientAdministrationStore,
  ClientChange,
  ClientStore,
  CreateOutcome,
  RegistrationTokenStore,
  TokenRotation,
} from '../../../apps/oauth-server/src/clients/client-stores';
import type { RegistrationToken } from '../../../apps/oauth-server/src/clients/registration-token.entity';

/*
 * In-memory stores for unit specs of the clients module's services: the same contracts as
 * ClientsRepository and RegistrationTokensRepository (client-stores.ts), which the database tier
 * (test/integration, test/e2e) proves on PostgreSQL and PGlite. Rows are copied in and out, so a
 * service cannot change a stored row by mutating what it was given.
 */

const copy = <T>(value: T): T => structuredClone(value);

export class InMemoryRegistrationTokenStore implements RegistrationTokenStore {
  readonly tokens = new Map<string, RegistrationToken>();
  /** The clients the tokens belong to (a token of a deleted client cannot be stored: the foreign key). */
  clients?: InMemoryClientStore;

  async findWithClient(tokenHash: string): Promise<{ token: RegistrationToken; client: Client } | null> {
    const token = this.tokens.get(tokenHash);
    const client = token && this.clients?.clients.get(token.clientId);
    return token && client ? { token: copy(token), client: copy(client) } : null;
  }

  async revoke(tokenHash: string): Promise<void> {
    const token = this.tokens.get(tokenHash);
    if (token && !token.revokedAt) token.revokedAt = new Date();
  }

  async rotate(token: RegistrationToken, graceSeconds: number): Promise<boolean> {
    if (this.clients && !this.clients.clients.has(token.clientId)) return false;
    const graceEnds = new Date(Date.now() + graceSeconds * 1000);
    for (const other of this.tokens.values()) {
      if (other.clientId === token.clientId && !other.revokedAt && other.expiresAt > graceEnds) other.expiresAt = graceEnds;
    }
    this.tokens.set(token.tokenHash, copy(token));
    return true;
  }

  of(clientId: string): RegistrationToken[] {
    return [...this.tokens.values()].filter((token) => token.clientId === clientId);
  }
}

export class InMemoryClientStore implements ClientStore, ClientAdministrationStore {
  readonly clients = new Map<string, Client>();
  /** Audit records stored with the change they record, as the repository stores them in its statement. */
  readonly audit: AuditEvent[] = [];
  /** What create() answers instead of storing: the initial access token or a daily quota refusing. */
  refuseCreate?: Exclude<CreateOutcome, 'created'>;
  /** Runs before updateIfUnchanged compares the row: a concurrent change between the read and the write. */
  beforeConditionalWrite?: (clientId: string) => void;
  readonly calls: string[] = [];

  constructor(readonly tokens = new InMemoryRegistrationTokenStore()) {
    tokens.clients = this;
  }

  async create(client: Client, token: RegistrationToken, admission: Admission = {}, audit?: AuditEvent): Promise<CreateOutcome> {
    this.calls.push('create');
    void admission;
    if (this.refuseCreate) return this.refuseCreate;
    this.clients.set(client.clientId, copy(client));
    this.tokens.tokens.set(token.tokenHash, copy(token));
    if (audit) this.audit.push(audit);
    return 'created';
  }

  async findById(clientId: string): Promise<Client | null> {
    const client = this.clients.get(clientId);
    return client ? copy(client) : null;
  }

  async markUsed(clientId: string): Promise<void> {
    const client = this.clients.get(clientId);
    if (client) client.lastUsedAt = new Date();
  }

  async updateIfUnchanged(seen: Client, change: ClientChange, audit?: (updated: Client) => AuditEvent): Promise<Client | null> {
    this.calls.push('updateIfUnchanged');
    this.beforeConditionalWrite?.(seen.clientId);
    const row = this.clients.get(seen.clientId);
    const unchanged =
      row !== undefined &&
      row.updatedAt.getTime() === seen.updatedAt.getTime() &&
      row.selfService === seen.selfService &&
      row.secretHash === seen.secretHash;
    return unchanged ? this.store(row, change, audit) : null;
  }

  async updateLocked(
    clientId: string,
    decide: (locked: Client) => ClientChange,
    audit?: (updated: Client) => AuditEvent,
    rotation?: TokenRotation,
  ): Promise<Client | null> {
    this.calls.push('updateLocked');
    const row = this.clients.get(clientId);
    if (!row) return null;
    const change = decide(copy(row)); // a refusal throws before anything is stored (the rollback)
    const updated = this.store(row, change, audit);
    if (rotation) await this.tokens.rotate(rotation.token, rotation.graceSeconds);
    return updated;
  }

  async delete(clientId: string, audit?: AuditEvent): Promise<boolean> {
    this.calls.push('delete');
    if (!this.clients.delete(clientId)) return false;
    for (const [hash, token] of this.tokens.tokens) if (token.clientId === clientId) this.tokens.tokens.delete(hash); // ON DELETE CASCADE
    if (audit) this.audit.push(audit);
    return true;
  }

  async list(limit: number): Promise<Client[]> {
    return [...this.clients.values()].sort((a, b) => b.issuedAt.getTime() - a.issuedAt.getTime()).slice(0, limit).map(copy);
  }

  async rotateSecret(clientId: string, secretHash: string, secretExpiresAt: Date | null, graceSeconds: number): Promise<Client | 'public' | null> {
    const row = this.clients.get(clientId);
    if (!row) return null;
    if (row.secretHash === null) return 'public';
    Object.assign(row, {
      previousSecretHash: row.secretHash,
      previousSecretExpiresAt: new Date(Date.now() + graceSeconds * 1000),
      secretHash,
      secretExpiresAt,
      updatedAt: this.later(row),
    });
    return copy(row);
  }

  async setSelfService(clientId: string, selfService: SelfService): Promise<boolean> {
    const row = this.clients.get(clientId);
    if (!row) return false;
    Object.assign(row, { selfService, updatedAt: this.later(row) });
    return true;
  }

  async setIntrospectionAllowed(clientId: string, introspectionAllowed: boolean): Promise<boolean> {
    const row = this.clients.get(clientId);
    if (!row) return false;
    Object.assign(row, { introspectionAllowed, updatedAt: this.later(row) });
    return true;
  }

  private store(row: Client, change: ClientChange, audit?: (updated: Client) => AuditEvent): Client {
    Object.assign(row, {
      metadata: copy(change.metadata),
      secretHash: change.secretHash,
      secretExpiresAt: change.secretExpiresAt,
      updatedAt: this.later(row),
      ...(change.softwareStatementClaims ? { softwareStatementClaims: copy(change.softwareStatementClaims) } : {}),
    });
    if (audit) this.audit.push(audit(copy(row)));
    return copy(row);
  }

  // updated_at always moves forward, so the optimistic comparison sees every change.
  private later(row: Client): Date {
    return new Date(Math.max(Date.now(), row.updatedAt.getTime() + 1));
  }
}

/** AuditService's prepare/committed/record without the worker pool: what was prepared, committed, recorded. */
export class FakeAuditTrail {
  readonly prepared: AuditEvent[] = [];
  readonly committedEvents: AuditEvent[] = [];
  readonly recorded: AuditEvent[] = [];

  prepare(input: AuditRecord): AuditEvent {
    const event: AuditEvent = {
      id: `audit-${this.prepared.length + 1}`,
      occurredAt: new Date(),
      event: input.event,
      clientId: input.clientId ?? null,
      actor: input.actor,
      sourceAddress: null,
      requestId: null,
      details: input.details ?? {},
    };
    this.prepared.push(event);
    return event;
  }

  committed(event: AuditEvent): void {
    this.committedEvents.push(event);
  }

  record(input: AuditRecord): AuditEvent {
    const event = this.prepare(input);
    this.recorded.push(event);
    return event;
  }
}
