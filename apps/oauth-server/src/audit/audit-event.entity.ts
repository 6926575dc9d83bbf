import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One audit record: who did what to which client, when and from where. Never a secret. */
@Entity({ name: 'audit_events' })
export class AuditEvent {
  @PrimaryColumn({ name: 'id', type: 'uuid' })
  id: string;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt: Date;

  /** e.g. client.registered, client.updated, client.deleted, client.self_service_changed */
  @Column({ name: 'event', type: 'text' })
  event: string;

  @Column({ name: 'client_id', type: 'text', nullable: true })
  clientId: string | null;

  /** anonymous | initial_access_token | client (its registration access token) | operator */
  @Column({ name: 'actor', type: 'text' })
  actor: string;

  /** The client address as the server saw it; null for operator commands (CLI). */
  @Column({ name: 'source_address', type: 'text', nullable: true })
  sourceAddress: string | null;

  @Column({ name: 'request_id', type: 'text', nullable: true })
  requestId: string | null;

  /** Names of changed fields and flags such as secret_rotated — never values of secrets. */
  @Column({ name: 'details', type: 'jsonb' })
  details: Record<string, unknown>;
}
