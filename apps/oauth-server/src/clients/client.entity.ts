import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ClientMetadata } from './client-metadata';

/** Who may use RFC 7592 self-service on a client; operators lock it with `clients:lock`. */
export type SelfService = 'full' | 'read-only' | 'none';

@Entity({ name: 'clients' })
export class Client {
  @PrimaryColumn({ name: 'client_id', type: 'text' })
  clientId: string;

  /** HMAC-SHA-256 of the client secret; null for public clients (token_endpoint_auth_method none). */
  @Column({ name: 'secret_hash', type: 'text', nullable: true })
  secretHash: string | null;

  @Column({ name: 'secret_expires_at', type: 'timestamptz', nullable: true })
  secretExpiresAt: Date | null;

  /** The registered RFC 7591 §2 metadata with defaults applied. */
  @Column({ name: 'metadata', type: 'jsonb' })
  metadata: ClientMetadata;

  @Column({ name: 'self_service', type: 'text', default: 'full' })
  selfService: SelfService;

  @Column({ name: 'issued_at', type: 'timestamptz' })
  issuedAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
